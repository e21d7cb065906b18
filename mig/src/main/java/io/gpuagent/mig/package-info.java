/**
 * The MIG manager: reads mig-parted layout files unchanged ({@link MigConfigFile}), places each
 * GPU's requested instances exactly ({@link MigPlacementSolver}), plans per GPU ({@link
 * MigPlanner}) and applies per GPU, transactionally, drained first ({@link GpuApplier}); {@link
 * MigManager} is the one code path the config, the CLI, the HTTP API and the node label use.
 */
package io.gpuagent.mig;
