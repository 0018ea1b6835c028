// The configuration options as people read them: a markdown table (docs, README) and the --help text.
import { OPTION_SPECS, type OptionSpec } from './option-specs.js';
import type { AppKind } from './server-config.js';

function flag(spec: OptionSpec): string {
  return spec.kind === 'boolean' ? `--${spec.name}` : `--${spec.name} ${spec.placeholder}`;
}

/** The markdown table of every option: flag, environment variable, default, which servers, meaning. */
export function configTable(): string {
  const rows = OPTION_SPECS.map((spec) => {
    const servers = spec.apps.length === 2 ? 'both' : spec.apps.join(', ');
    return `| \`${flag(spec).replaceAll('|', '\\|')}\` | \`${spec.env}\` | ${spec.defaultText} | ${servers} | ${spec.description} |`;
  });
  return ['| flag | environment variable | default | server | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The --help text of one server. */
export function usage(app: AppKind): string {
  const command = app === 'stdio' ? 'contextframe-stdio' : 'contextframe-http';
  const what =
    app === 'stdio'
      ? 'contextframe MCP server over stdio: speaks JSON-RPC on stdin/stdout, logs to stderr.'
      : 'contextframe MCP server over Streamable HTTP: POST/GET/DELETE /mcp, GET /healthz.';
  const specs = OPTION_SPECS.filter((spec) => spec.apps.includes(app));
  const width = Math.max(...specs.map((spec) => flag(spec).length));
  const lines = specs.map((spec) => `  ${flag(spec).padEnd(width)}  ${spec.description.replaceAll('`', '')}\n  ${''.padEnd(width)}  env ${spec.env}; default ${spec.defaultText.replaceAll('`', '')}`);
  return `${what}\n\nUsage: ${command} [options]\n\nOptions (a flag wins over its environment variable):\n${lines.join('\n')}\n  ${'--help'.padEnd(width)}  Show this help.\n  ${'--version'.padEnd(width)}  Show the version.\n`;
}
