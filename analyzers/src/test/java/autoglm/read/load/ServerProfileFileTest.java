package autoglm.read.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * server-profile.json is written and read through one record: every key of docs/load.md in its order, null where the
 * window did not open or close (the text as the map-based writer before this record wrote it), read back as written,
 * and a key the record does not declare refused in one line.
 */
class ServerProfileFileTest {
    @TempDir
    Path tmp;

    @Test
    void aWindowIsWrittenAsDocumentedAndReadBack() throws Exception {
        ServerProfileFile w = new ServerProfileFile(8, 1520.25, 4810.5, 5120.0, 8,
                List.of("/start_profile -> 200 ", "/stop_profile -> 200 "));
        w.write(tmp);
        assertEquals("""
                {
                  "requests" : 8,
                  "start_ms" : 1520.25,
                  "stop_ms" : 4810.5,
                  "written_ms" : 5120.0,
                  "measured_ended_in_window" : 8,
                  "answers" : [ "/start_profile -> 200 ", "/stop_profile -> 200 " ]
                }""", Files.readString(tmp.resolve("server-profile.json")));
        assertEquals(w, ServerProfileFile.read(tmp));
        assertTrue(w.windowKnown());
    }

    @Test
    void aWindowThatDidNotOpenKeepsItsNulls() throws Exception {
        ServerProfileFile w = new ServerProfileFile(4, null, null, null, 0,
                List.of("/start_profile -> 404 {\"detail\":\"Not Found\"}"));
        w.write(tmp);
        assertEquals("""
                {
                  "requests" : 4,
                  "start_ms" : null,
                  "stop_ms" : null,
                  "written_ms" : null,
                  "measured_ended_in_window" : 0,
                  "answers" : [ "/start_profile -> 404 {\\"detail\\":\\"Not Found\\"}" ]
                }""", Files.readString(tmp.resolve("server-profile.json")));
        assertEquals(w, ServerProfileFile.read(tmp));
        assertFalse(w.windowKnown());
    }

    @Test
    void anUnknownKeyIsOneLine() throws Exception {
        Files.writeString(tmp.resolve("server-profile.json"), "{\"requests\": 4, \"start_ms\": 1, \"stop_ms\": 2, "
                + "\"written_ms\": 3, \"measured_ended_in_window\": 4, \"answers\": [], \"start\": 5}");
        BadInputException e = assertThrows(BadInputException.class, () -> ServerProfileFile.read(tmp));
        assertTrue(e.getMessage().contains("server-profile.json: malformed (") && e.getMessage().contains("'start'"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
