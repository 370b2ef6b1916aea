package org.vesalius.dicomweb.wado;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.vesalius.storage.blob.BlobStore;

/** The real store, counting the reads: proves a request touched no stored object. */
final class CountingBlobStore implements BlobStore {
    private final BlobStore store;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger wholeReads = new AtomicInteger();

    CountingBlobStore(BlobStore store) {
        this.store = store;
    }

    @Override
    public void put(String key, InputStream in, long length) throws IOException {
        store.put(key, in, length);
    }

    @Override
    public InputStream open(String key) throws IOException {
        reads.incrementAndGet();
        wholeReads.incrementAndGet();
        return store.open(key);
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        reads.incrementAndGet();
        return store.openRange(key, offset, length);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        reads.incrementAndGet();
        return store.size(key);
    }

    @Override
    public void delete(String key) throws IOException {
        store.delete(key);
    }

    @Override
    public void forEachKey(String prefix, Consumer<String> consumer) throws IOException {
        store.forEachKey(prefix, consumer);
    }

    @Override
    public void checkHealth() throws IOException {
        store.checkHealth();
    }

    @Override
    public String describe() {
        return "counting " + store.describe();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
