package autoglm.diagnose.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.model.load.LoadRecording;
import autoglm.read.load.LoadFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load timeline of glm-tiny under the agent load (testdata/load): each request's bar is its send, first token and
 * end from requests.csv, no two requests of a lane overlap, and there are as many lanes as requests were ever in
 * flight at once (counted here from the CSV).
 */
class LoadTimelinesTest {
    @Test
    void eachRequestOnTheFirstFreeLaneAndAsManyLanesAsWereInFlight() throws Exception {
        Path folder = Fixtures.root().resolve("testdata/load/agent-glm-tiny");
        LoadRecording load = LoadFiles.read(folder, new HashMap<>());
        LoadTimeline t = LoadTimelines.of(load, null, null);
        List<String> lines = Files.readAllLines(folder.resolve("requests.csv"));
        List<String> h = List.of(lines.get(0).split(","));
        List<double[]> csv = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            csv.add(new double[] {Double.parseDouble(c[h.indexOf("sent_ms")]) / 1000,
                Double.parseDouble(c[h.indexOf("first_token_ms")]) / 1000,
                Double.parseDouble(c[h.indexOf("end_ms")]) / 1000});
        }
        assertEquals(csv.size(), t.requests().size());
        for (LoadTimeline.Span s : t.requests()) {
            assertTrue(csv.stream().anyMatch(c -> c[0] == s.sentS() && c[1] == s.firstS() && c[2] == s.endS()), s + "");
            for (LoadTimeline.Span o : t.requests()) {
                if (o != s && o.lane() == s.lane()) {
                    assertTrue(o.endS() <= s.sentS() || s.endS() <= o.sentS(), s + " overlaps " + o);
                }
            }
        }
        int most = 0;
        for (double[] c : csv) {
            int inFlight = (int) csv.stream().filter(o -> o[0] <= c[0] && o[2] > c[0]).count();
            most = Math.max(most, inFlight);
        }
        assertEquals(most, t.lanes());
        assertEquals(List.of("running (batch)", "waiting"), t.server().stream().map(Series::name).toList());
        assertEquals("Requests and the server's batch on one time axis", t.title());
    }
}
