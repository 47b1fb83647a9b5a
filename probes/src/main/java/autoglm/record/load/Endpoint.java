package autoglm.record.load;

import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * What the load asks the endpoint before it starts: the models it serves (/v1/models). Where nothing can run (the
 * connection is refused, TLS fails, the answer is not OpenAI's) this is bad input, one line.
 */
public final class Endpoint {
    private Endpoint() {
    }

    /** The first model id of /v1/models. */
    public static String firstModel(URI base) {
        URI uri = base.resolve("/v1/models");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new BadInputException(base + ": the connection was refused (is the server running?)");
        } catch (HttpTimeoutException e) {
            throw new BadInputException(base + ": no answer within 30 s");
        } catch (SSLException e) {
            throw new BadInputException(base + ": TLS failed (" + SafeText.oneLine(String.valueOf(e.getMessage())) + ")");
        } catch (IOException e) {
            throw new BadInputException(base + ": " + SafeText.oneLine(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException(base + ": interrupted");
        }
        if (r.statusCode() != 200) {
            throw new BadInputException(uri + " answered HTTP " + r.statusCode() + ": give the model with --model");
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
