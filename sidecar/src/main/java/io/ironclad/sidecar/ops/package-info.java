/**
 * What the dashboard and operators read besides the consistency events: per-repository counts
 * and storage used ({@link io.ironclad.sidecar.metadata.RepositoryStatistics}), pushes and pulls per
 * minute ({@link io.ironclad.sidecar.ops.RegistryTraffic}) and any {@code ironclad.*} meter by
 * name ({@link io.ironclad.sidecar.ops.MeterReadings}), served under {@code /ops} by
 * {@link io.ironclad.sidecar.ops.OverviewController}.
 */
package io.ironclad.sidecar.ops;
