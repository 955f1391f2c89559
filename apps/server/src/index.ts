export { type CreateAppOptions, createApp } from './app.js';
export { type MintOptions, mintToken, type Principal, parseTtl, type Role, verifyToken } from './auth/tokens.js';
export { HELP, runCli, serveFromArgs } from './cli.js';
export { type ConfigInput, DEFAULT_CONFIG, type ServerConfig } from './config.js';
export { type Database, type OpenOptions, openDatabase } from './db/connect.js';
export { fromMultirange, toMultirange } from './db/multirange.js';
export { DEFAULT_DATA_DIR, loadOrCreateSecrets, type Secrets } from './embedded.js';
export { DEMO_VIDEOS, type SeedOptions, seedDemo, seedDemoIfEmpty } from './seed.js';
export { type RunningServer, type StartOptions, startServer } from './server.js';
