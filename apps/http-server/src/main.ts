#!/usr/bin/env node
// contextframe http-server entry point (wired up by the transport issue).
process.stderr.write('contextframe http-server: not yet implemented\n');
process.exitCode = 1;
