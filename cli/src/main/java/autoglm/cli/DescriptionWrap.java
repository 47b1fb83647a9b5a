package autoglm.cli;

import picocli.CommandLine;

/**
 * Renders a command's description as one paragraph wrapped at spaces to the help's width: the description is written
 * as several strings in the source, which picocli would wrap one by one (ragged lines), and its line breaker may
 * break after a dot inside a path or a URL ("ui.\nperfetto.dev"); a word here is never split.
 */
final class DescriptionWrap implements CommandLine.IHelpSectionRenderer {
    @Override
    public String render(CommandLine.Help help) {
        String[] lines = help.commandSpec().usageMessage().description();
        if (lines.length == 0) {
            return "";
        }
        return wrap(String.join(" ", lines), help.commandSpec().usageMessage().width()) + System.lineSeparator();
    }

    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : text.trim().split("\\s+")) {
            if (column > 0 && column + 1 + word.length() > width) {
                out.append(System.lineSeparator());
                column = 0;
            } else if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }

    /** Installs the renderer on a command line and all its subcommands. */
    static void install(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION, new DescriptionWrap());
        for (CommandLine sub : cl.getSubcommands().values()) {
            install(sub);
        }
    }

}
