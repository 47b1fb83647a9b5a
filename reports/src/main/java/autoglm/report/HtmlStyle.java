package autoglm.report;

/** The HTML report's stylesheet, inline (the file needs nothing from a network). */
final class HtmlStyle {
    static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1320px;padding:0 1em;color:#222}",
            "h1{font-size:1.5em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}",
            "table{border-collapse:collapse;font-size:.9em;margin:.5em 0}",
            "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}",
            "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
            "code{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.92em;overflow-wrap:break-word}",
            "code.rule,code.name{white-space:nowrap}td.kernel code.full{word-break:break-all;display:block}",
            "td.kernel summary{cursor:pointer}td.kernel details[open] summary code{display:none}",
            ".finding{border-left:4px solid #999;padding:.2em 1em;margin:1em 0;background:#fafafa}",
            ".finding.warning{border-color:#d62728}.finding.info{border-color:#e6a700}",
            ".badge{font-size:.75em;padding:.1em .4em;border-radius:3px;color:#fff}",
            ".badge.warning{background:#d62728}.badge.info{background:#b58100}",
            ".score{color:#777;font-size:.8em;font-weight:normal}.rank{color:#777}",
            "dt{font-weight:bold;float:left;width:6em;clear:left}dd{margin-left:7em;margin-bottom:.4em}",
            "dd ul{margin:0;padding-left:1.1em}.gain.measured{color:#2c7a2c;font-weight:bold}",
            ".charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;width:640px;max-width:100%}",
            "figure svg{width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.8em;color:#555}",
            ".ok{color:#2c7a2c;font-weight:bold}footer{margin-top:2em;color:#777;font-size:.8em}",
            "dl.header dt{width:8em}dl.header dd{margin-left:9em}");

    private HtmlStyle() {
    }
}
