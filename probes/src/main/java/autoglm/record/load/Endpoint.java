package autoglm.record.load;

import autoglm.util.BadInputException;
import autoglm.util.BoundedHttp;
import autoglm.util.SafeText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * What the load asks the endpoint before it starts: the models it serves (/v1/models). Where nothing can run (the
 * connection is refused, TLS fails, the answer is not OpenAI's, or it does not come whole within {@link #DEADLINE_MS}
 * and {@link #MAX_BYTES}: docs/load.md#limits) this is bad input, one line.
 */
public final class Endpoint {
    /** The whole answer of /v1/models, headers and body. */
    public static final long DEADLINE_MS = 30_000;
    /** A larger model list is refused. */
    public static final long MAX_BYTES = 4L << 20;

    private Endpoint() {
    }

    /** The first model id of /v1/models. */
    public static String firstModel(URI base) {
        return firstModel(base, new CompletableFuture<>());
    }

    /** The same, given up (one line: interrupted) as soon as {@code abandon} completes. */
    public static String firstModel(URI base, CompletableFuture<?> abandon) {
        URI uri = base.resolve("/v1/models");
        BoundedHttp http = new BoundedHttp(BoundedHttp.client(Duration.ofSeconds(10))).abandonedWhen(abandon);
        BoundedHttp.Answer r;
        try {
            r = http.text(uri, Duration.ofMillis(DEADLINE_MS), MAX_BYTES);
        } catch (ConnectException e) {
            throw new BadInputException(base + ": the connection was refused (is the server running?)");
        } catch (HttpTimeoutException e) {
            throw new BadInputException(uri + ": no whole answer within " + DEADLINE_MS / 1000 + " s (give the model "
                    + "with --model)");
        } catch (BoundedHttp.TooLarge e) {
            throw new BadInputException(uri + ": " + e.getMessage() + " (give the model with --model)");
        } catch (BoundedHttp.Abandoned e) {
            throw new BadInputException(uri + ": interrupted before the model list arrived");
        } catch (SSLException e) {
            throw new BadInputException(base + ": TLS failed (" + SafeText.oneLine(String.valueOf(e.getMessage())) + ")");
        } catch (java.net.ProtocolException e) {
            throw new BadInputException(uri + ": an answer the HTTP client cannot read (" + SafeText.oneLine(
                    String.valueOf(e.getMessage())) + "; give the model with --model)");
        } catch (IOException e) {
            throw new BadInputException(base + ": the connection failed (" + SafeText.oneLine(
                    e.getMessage() == null ? e.getClass().getSimpleName().replace("Exception", "")
                            : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException(base + ": interrupted");
        }
        if (r.status() != 200) {
            throw new BadInputException(uri + " answered HTTP " + r.status() + ": give the model with --model");
        }
        try {
            JsonNode n = new ObjectMapper().readTree(r.body());
            JsonNode first = n == null ? null : n.path("data").path(0).get("id");
            if (first != null && first.isTextual() && !first.asText().isEmpty()) {
                return first.asText();
            }
        } catch (IOException e) {
            // the line below
        }
        throw new BadInputException(uri + " is not an OpenAI-compatible model list (no data[0].id): give --model");
    }
}
