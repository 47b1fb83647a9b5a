package autoglm.loopback;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A fake engine as a process of its own, for what starts a server by its argv ({@code autoglm load --serve},
 * {@code ServedLoad}): {@code java -cp TEST_CLASSPATH autoglm.loopback.FakeEngineMain ENGINE PORT [PORT_FILE]} serves
 * {@link FakeOpenAi} of ENGINE on 127.0.0.1:PORT (0: the OS picks; PORT_FILE then gets the port, written atomically),
 * its /metrics the engine's recorded page ({@link FakePrometheus#recordedPage}), until it is killed (SIGTERM ends
 * the JVM). It prints one line once it listens.
 */
public final class FakeEngineMain {
    private FakeEngineMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !Recordings.ENGINES.contains(args[0])) {
            System.err.println("usage: FakeEngineMain ENGINE PORT [PORT_FILE] (ENGINE: " + Recordings.ENGINES + ")");
            System.exit(2);
        }
        FakeOpenAi engine = FakeOpenAi.start(args[0], Integer.parseInt(args[1]));
        engine.http().on("/metrics", FakePrometheus.recordedPage(args[0]));
        if (args.length > 2) {
            Path file = Path.of(args[2]);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, engine.port() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("fake " + args[0] + " listening on " + engine.url());
        System.out.flush();
        Thread.currentThread().join(); // until the process is killed
    }
}
