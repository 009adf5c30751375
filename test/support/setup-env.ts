// Runs in every test worker before the suites: deterministic clocks and quiet logs.
process.env.TZ = 'UTC';
process.env.LOG_LEVEL ??= 'silent';
