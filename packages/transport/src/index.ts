// The public surface of @contextframe/transport: the MCP server over contextframe's tools, its configuration,
// and the stdio and Streamable HTTP front ends the apps compose. Nothing else in this package is API.

// server
export { createServer, DEFAULT_MAX_RESPONSE_BYTES, SERVER_INFO, TOOLS, toolNames } from './server/create-server.js';
export { WorkTracker } from './server/work-tracker.js';
export type { ServerOptions } from './server/create-server.js';

// tools
export { defineTool } from './tools/tool-spec.js';
export type { AnyToolSpec, ToolContext, ToolSpec } from './tools/tool-spec.js';

// configuration
export { configTable, usage } from './config/config-docs.js';
export { isLoopbackHost, loadConfig } from './config/load-config.js';
export { OPTION_SPECS } from './config/option-specs.js';
export type { ConfigIssue, ConfigRequest, LoadConfigOptions } from './config/load-config.js';
export type { OptionSpec } from './config/option-specs.js';
export type { AppKind, EmbedderConfig, HttpConfig, LlmConfig, OpenAIClientTuning, ServerConfig } from './config/server-config.js';

// runtime
export { createEmbedder } from './runtime/create-embedder.js';
export { openRuntime } from './runtime/open-runtime.js';
export type { Runtime } from './runtime/open-runtime.js';

// front ends
export { serveStdio } from './stdio/serve-stdio.js';
export { startHttpServer } from './http/http-server.js';
export type { StdioServeOptions, StdioServer } from './stdio/serve-stdio.js';
export type { HttpServeOptions, HttpServer } from './http/http-server.js';

// errors
export { errorResult, toWireError } from './errors/tool-error.js';
export { isTransportError, TransportError } from './errors/transport-error.js';
export type { WireError } from './errors/tool-error.js';
export type { TransportErrorCode, TransportErrorOptions } from './errors/transport-error.js';

// logging
export { createLogger, LOG_LEVELS, silentLogger } from './logging/logger.js';
export type { Logger, LoggerOptions, LogLevel } from './logging/logger.js';

// progress and response budget (exported for tests and embedders of the server)
export { McpProgressSink } from './progress/mcp-progress-sink.js';
export { ProgressThrottle } from './progress/progress-throttle.js';
export { fitLists, fitListTexts, fitNestedHits, fitPrefixes, jsonBytes } from './results/size-budget.js';
export type { SendProgress } from './progress/mcp-progress-sink.js';
export type { ProgressThrottleOptions, ProgressUpdate } from './progress/progress-throttle.js';
export type { TruncationMarks } from './results/size-budget.js';
