/** Starts one throwaway PostgreSQL cluster for the whole run; every test file makes its own database in it. */
import type { TestProject } from 'vitest/node';
import { createCluster } from '../src/dev/pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await createCluster();
  project.provide('pgUrl', cluster.url);
  return () => cluster.remove();
}
