package autoglm.analyse.ranks;

import java.util.List;

/**
 * The ranks of one job side by side: a row each, in rank order, how their steps were aligned ({@code alignment}:
 * "ProfilerStep numbers", "step order" or "the whole trace"), how many steps all ranks share, how many collectives
 * were matched across ranks (by their order within each aligned step), and the slowest rank by computation.
 */
public record RankTable(List<RankRow> rows, String alignment, int alignedSteps, long matchedCollectives,
        String slowest) {
}
