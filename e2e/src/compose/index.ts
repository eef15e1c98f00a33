/** Checks of the deployment files (Dockerfile, docker-compose.yml, deploy/) and the compose topology run as processes: no Docker engine needed. */
export * from './compose-cli.js';
export * from './compose-file.js';
export * from './compose-rules.js';
export * from './deploy-rules.js';
export * from './deployables.js';
export * from './dockerfile.js';
export * from './dockerfile-rules.js';
export * from './settings-read.js';
export * from './workspaces.js';
export * from './alert-rules.js';
export * from './compose-as-processes.js';
