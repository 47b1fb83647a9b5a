package autoglm.record.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following an events.jsonl as it is written: whole lines only, a line cut mid-write finished on the next read. */
class EventsTailTest {
    @TempDir
    Path tmp;

    @Test
    void aLineIsHandedOnOnceItIsWhole() throws Exception {
        Path f = tmp.resolve("events.jsonl");
        List<JsonNode> seen = new ArrayList<>();
        EventsTail tail = EventsTail.start(f, seen::add, 1_000_000);
        tail.poll(); // no file yet
        Files.writeString(f, "{\"event\":\"step\",\"ms\":1.5}\n{\"event\":\"req");
        tail.poll();
        assertEquals(1, seen.size());
        Files.writeString(f, "uest\",\"ttft_ms\":3}\nnot json\n", StandardOpenOption.APPEND);
        tail.poll();
        assertEquals(2, seen.size());
        assertEquals("request", seen.get(1).get("event").asText());
        Files.writeString(f, "{\"event\":\"end\"}\n", StandardOpenOption.APPEND);
        tail.close(); // reads what is left
        assertEquals(3, seen.size());
    }
}
