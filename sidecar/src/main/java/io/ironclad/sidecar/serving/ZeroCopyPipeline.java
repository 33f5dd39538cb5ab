package io.ironclad.sidecar.serving;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import jakarta.inject.Singleton;

/**
 * Installs a {@link ZeroCopyHandler} on every plain-text HTTP/1.1 connection, right after Netty's
 * HTTP codec. Not on TLS connections ({@code sendfile} would bypass the encryption), nor on HTTP/2
 * streams (their frames carry the body); there blob bodies take {@link ChunkPump}'s road, as they
 * do with {@code ironclad.serving.zero-copy=false}.
 */
@Singleton
@Requires(property = "ironclad.serving.zero-copy", notEquals = "false")
final class ZeroCopyPipeline implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private final FileRegionStats stats;

    ZeroCopyPipeline(FileRegionStats stats) {
        this.stats = stats;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    /** The customizer of one connection channel (null: the server-wide one, which only specializes). */
    private final class Customizer implements NettyServerCustomizer {

        private final Channel connection;

        Customizer(Channel connection) {
            this.connection = connection;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : NettyServerCustomizer.super.specializeForChannel(channel, role);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (connection == null) {
                return;
            }
            ChannelPipeline pipeline = connection.pipeline();
            if (pipeline.get(SslHandler.class) == null && pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null) {
                pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, ZeroCopyHandler.NAME, new ZeroCopyHandler(stats));
            }
        }
    }
}
