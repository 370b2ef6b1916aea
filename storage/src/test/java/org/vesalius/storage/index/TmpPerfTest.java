package org.vesalius.storage.index;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.storage.testing.PostgresFixture;

class TmpPerfTest {
    @TempDir Path dir;

    @Test
    void measure() {
        for (DatabaseSettings s : new DatabaseSettings[] {DatabaseSettings.embeddedH2(dir), PostgresFixture.createDatabase()}) {
            try (Database db = Database.open(s)) {
                InstanceIndex index = new InstanceIndex(db);
                for (int i = 0; i < 300; i++) index.save(TestEntry.instance("9.9." + i).build());
                long t = System.nanoTime();
                for (int i = 300; i < 1300; i++) index.save(TestEntry.instance("9.9." + i).build());
                System.out.println("PERF " + s.isPostgres() + " save ms " + (System.nanoTime() - t) / 1e6 / 1000);
                t = System.nanoTime();
                int[] n = {0};
                index.forEachInstance(x -> n[0]++);
                System.out.println("PERF forEach ms " + (System.nanoTime() - t) / 1e6 + " n=" + n[0]);
            }
        }
    }
}
