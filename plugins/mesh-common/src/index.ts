/**
 * Shared types, the check catalog and pure helpers of the mesh plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './checks';
export * from './annotations';
export * from './readiness';
export * from './permissions';
export * from './attestations';
export * from './sections';
export * from './client';
export * from './ambient';
