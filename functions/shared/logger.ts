// Structured JSON logs: ids and references only, never addresses, mail bodies, tokens or
// signatures (the caller passes only such fields).
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

function threshold(): number {
  const configured = (process.env.DPIA_LOG_LEVEL ?? 'info') as Level | 'silent';
  return ORDER[configured] ?? ORDER.info;
}

function write(
  level: Level,
  message: string,
  fields: Record<string, string | number | boolean | null | undefined>,
) {
  if (ORDER[level] < threshold()) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (message: string, fields: Parameters<typeof write>[2] = {}) => write('debug', message, fields),
  info: (message: string, fields: Parameters<typeof write>[2] = {}) => write('info', message, fields),
  warn: (message: string, fields: Parameters<typeof write>[2] = {}) => write('warn', message, fields),
  error: (message: string, fields: Parameters<typeof write>[2] = {}) => write('error', message, fields),
};
