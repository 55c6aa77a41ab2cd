/**
 * The exchange module's public door. For now: the edXML codec (read, validate, write, build) and
 * the module's CLI commands; sending, routing, delivery and statuses come next.
 */
export * from './edxml/index.ts';
export { exchangeCliCommands, describePacket } from './cli.ts';
