package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The JDK's SHA-256 (with the CPU's SHA extensions, ~9 × Bouncy Castle's speed here) as a
 * resumable upload hash: its running state is exported into, and restored from, exactly the
 * encoding Bouncy Castle's {@link SHA256Digest#getEncodedState()} writes, so upload rows stay
 * the same and a replica without this class's access restores them with Bouncy Castle.
 *
 * <p>The JDK has no API for a digest's state; this reads and writes the fields of
 * {@code sun.security.provider.SHA2} and needs {@code --add-opens
 * java.base/sun.security.provider=ALL-UNNAMED} (the sidecar jar's manifest and the launchers pass
 * it). Whether it may be used is decided once, by {@link #available()}: the access must work and
 * a self-test must show that both conversions agree byte for byte with Bouncy Castle at every
 * offset within a block; otherwise uploads hash with Bouncy Castle as before.
 */
final class JdkSha256State implements Hasher {

    private static final int BLOCK = 64;
    /** Bouncy Castle's encoding: xBuf[4], xBufOff, byteCount, H1..H8, xOff, X[0..xOff), purpose byte. */
    private static final int FIXED = 4 + 4 + 8 + 32 + 4;

    private static final Access ACCESS = Access.open();

    private final Object spi;

    private JdkSha256State(Object spi) {
        this.spi = spi;
    }

    /** Whether the JDK's state can be used (access granted and self-test passed). */
    static boolean available() {
        return ACCESS != null;
    }

    /** A new hash; only when {@link #available()}. */
    static JdkSha256State fresh() {
        return new JdkSha256State(ACCESS.newSpi());
    }

    /** Continues a hash from Bouncy Castle's encoded SHA-256 state; only when {@link #available()}. */
    static JdkSha256State restore(byte[] encoded) {
        JdkSha256State hash = fresh();
        ACCESS.load(hash.spi, encoded);
        return hash;
    }

    @Override
    public Digest.Algorithm algorithm() {
        return Digest.Algorithm.SHA256;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        ACCESS.update(spi, bytes, offset, length);
    }

    @Override
    public Digest digest() {
        return Digest.of(Digest.Algorithm.SHA256, ACCESS.digest(spi));
    }

    @Override
    public byte[] exportState() {
        return ACCESS.encode(spi);
    }

    /** The reflective access to {@code sun.security.provider.SHA2}; null when denied or wrong. */
    private record Access(MethodHandle constructor, MethodHandle update, MethodHandle digest, VarHandle state,
            VarHandle buffer, VarHandle bufOfs, VarHandle bytesProcessed, byte purpose) {

        static Access open() {
            try {
                Class<?> sha256 = Class.forName("sun.security.provider.SHA2$SHA256");
                Class<?> sha2 = sha256.getSuperclass();
                Class<?> base = sha2.getSuperclass();
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(sha256, MethodHandles.lookup());
                MethodHandles.Lookup baseLookup = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
                MethodType objectUpdate = MethodType.methodType(void.class, Object.class, byte[].class, int.class, int.class);
                Access access = new Access(
                        lookup.findConstructor(sha256, MethodType.methodType(void.class)).asType(MethodType.methodType(Object.class)),
                        baseLookup.findVirtual(base, "engineUpdate", MethodType.methodType(void.class, byte[].class, int.class, int.class))
                                .asType(objectUpdate),
                        baseLookup.findVirtual(base, "engineDigest", MethodType.methodType(byte[].class))
                                .asType(MethodType.methodType(byte[].class, Object.class)),
                        MethodHandles.privateLookupIn(sha2, MethodHandles.lookup()).findVarHandle(sha2, "state", int[].class),
                        baseLookup.findVarHandle(base, "buffer", byte[].class),
                        baseLookup.findVarHandle(base, "bufOfs", int.class),
                        baseLookup.findVarHandle(base, "bytesProcessed", long.class),
                        purposeOf(new SHA256Digest().getEncodedState()));
                return access.selfTest() ? access : null;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null; // no --add-opens, or another JDK's internals: uploads hash with Bouncy Castle
            }
        }

        private static byte purposeOf(byte[] freshState) {
            if (freshState.length != FIXED + 1) {
                throw new IllegalStateException("unknown Bouncy Castle SHA-256 state layout of " + freshState.length + " bytes");
            }
            return freshState[FIXED];
        }

        /** Every length within two blocks (all buffer offsets), both directions, against Bouncy Castle. */
        private boolean selfTest() {
            byte[] data = new byte[3 * BLOCK + 7];
            new SplittableRandom(42).nextBytes(data);
            for (int length = 0; length <= 2 * BLOCK + 1; length++) {
                SHA256Digest bc = new SHA256Digest();
                bc.update(data, 0, length);
                Object jdk = newSpi();
                update(jdk, data, 0, length);
                byte[] exported = encode(jdk);
                if (!Arrays.equals(exported, bc.getEncodedState())) {
                    return false;
                }
                Object restored = newSpi();
                load(restored, exported);
                update(restored, data, length, data.length - length);
                SHA256Digest whole = new SHA256Digest();
                whole.update(data, 0, data.length);
                byte[] expected = new byte[32];
                whole.doFinal(expected, 0);
                if (!Arrays.equals(digest(restored), expected)) {
                    return false;
                }
            }
            return true;
        }

        Object newSpi() {
            try {
                return (Object) constructor.invokeExact();
            } catch (Throwable e) {
                throw new IllegalStateException("creating the JDK's SHA-256 failed", e);
            }
        }

        void update(Object spi, byte[] bytes, int offset, int length) {
            try {
                update.invokeExact(spi, bytes, offset, length);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] digest(Object spi) {
            try {
                return (byte[]) digest.invokeExact(spi);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] encode(Object spi) {
            int[] h = (int[]) state.get(spi);
            byte[] pending = (byte[]) buffer.get(spi);
            int offset = (int) bufOfs.get(spi);
            long count = (long) bytesProcessed.get(spi);
            int words = offset / 4;
            int partial = offset % 4;
            ByteBuffer out = ByteBuffer.allocate(FIXED + 4 * words + 1); // big-endian, as Bouncy Castle packs
            out.put(pending, 4 * words, partial).position(4);
            out.putInt(partial).putLong(count);
            for (int word : h) {
                out.putInt(word);
            }
            out.putInt(words);
            out.put(pending, 0, 4 * words);
            out.put(purpose);
            return out.array();
        }

        void load(Object spi, byte[] encoded) {
            ByteBuffer in = ByteBuffer.wrap(encoded);
            byte[] partialWord = new byte[4];
            in.get(partialWord);
            int partial = in.getInt();
            long count = in.getLong();
            int[] h = new int[8];
            for (int i = 0; i < 8; i++) {
                h[i] = in.getInt();
            }
            int words = in.getInt();
            if (partial < 0 || partial > 3 || words < 0 || words > 15 || count < 0 || (count % BLOCK) != 4L * words + partial
                    || encoded.length != FIXED + 4 * words + 1) {
                throw new IllegalArgumentException("not a Bouncy Castle SHA-256 state (" + encoded.length + " bytes)");
            }
            byte[] pending = (byte[]) buffer.get(spi);
            in.get(pending, 0, 4 * words);
            System.arraycopy(partialWord, 0, pending, 4 * words, partial);
            System.arraycopy(h, 0, (int[]) state.get(spi), 0, 8);
            bufOfs.set(spi, 4 * words + partial);
            bytesProcessed.set(spi, count);
        }
    }
}
