package io.ironclad.sidecar.http;

import io.ironclad.sidecar.serving.ChunkPump;
import io.ironclad.sidecar.serving.ZeroCopyHandler;
import io.micronaut.core.type.Argument;
import io.micronaut.core.type.MutableHeaders;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.ByteBodyHttpResponseWrapper;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.body.CloseableByteBody;
import io.micronaut.http.body.ResponseBodyWriter;
import io.micronaut.http.body.stream.InputStreamByteBody;
import io.micronaut.http.codec.CodecException;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;

/**
 * A blob's content as a response body of known length. Micronaut's {@code StreamedFile} would
 * do the streaming too, but its writer adds file-caching headers that contradict a
 * content-addressed answer ({@code Expires: now+60s}, and {@code Last-Modified: 1969-12-31} for
 * an unknown modification time) and answers {@code If-Modified-Since} with 304 against that
 * made-up date; this body's {@link Writer} streams the content and adds no header. It streams
 * through {@link ChunkPump} in large chunks (a verified local file in direct buffers), not
 * through Micronaut's 8 KiB {@code InputStreamByteBody}; a local file on a plain HTTP/1.1
 * connection goes out as a file region ({@code sendfile(2)}, see {@link ZeroCopyHandler}).
 */
record BlobBody(InputStream content, long length) {

    /** Streams a {@link BlobBody} from the blocking pool with its length as Content-Length. */
    @Singleton
    static final class Writer implements ResponseBodyWriter<BlobBody> {

        private final ExecutorService executor;

        Writer(@Named(TaskExecutors.BLOCKING) ExecutorService executor) {
            this.executor = executor;
        }

        /** A local file's GET answer as a file region where the connection allows, else the body streamed by {@link #writePiece}. */
        @Override
        public ByteBodyHttpResponse<?> write(ByteBodyFactory factory, HttpRequest<?> request, MutableHttpResponse<BlobBody> response,
                Argument<BlobBody> type, MediaType mediaType, BlobBody body) throws CodecException {
            if (request instanceof NettyHttpRequest<?> netty && request.getMethod() == HttpMethod.GET) {
                Optional<String> region = ZeroCopyHandler.offer(netty.getChannelHandlerContext().pipeline(), body.content(), executor);
                if (region.isPresent()) {
                    response.getHeaders().contentTypeIfMissing(mediaType);
                    response.header(ZeroCopyHandler.MARKER, region.get());
                    return ByteBodyHttpResponseWrapper.wrap(response, factory.createEmpty());
                }
            }
            return ResponseBodyWriter.super.write(factory, request, response, type, mediaType, body);
        }

        @Override
        public CloseableByteBody writePiece(ByteBodyFactory factory, HttpRequest<?> request, HttpResponse<?> response,
                Argument<BlobBody> type, MediaType mediaType, BlobBody body) {
            if (request instanceof NettyHttpRequest<?> netty) {
                return ChunkPump.body(factory, body.content(), body.length(), executor,
                        netty.getChannelHandlerContext().channel().eventLoop());
            }
            return InputStreamByteBody.create(body.content(), OptionalLong.of(body.length()), executor, factory);
        }

        @Override
        public void writeTo(Argument<BlobBody> type, MediaType mediaType, BlobBody body, MutableHeaders headers, OutputStream out)
                throws CodecException {
            throw new UnsupportedOperationException("a blob body is written by the HTTP server only");
        }
    }
}
