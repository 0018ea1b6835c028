#!/usr/bin/env node
// contextframe stdio-server entry point (wired up by the transport issue).
process.stderr.write('contextframe stdio-server: not yet implemented\n');
process.exitCode = 1;
