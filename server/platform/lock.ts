/**
 * PGlite lets only one process open a data directory. The server leaves a lock file there with
 * its port and a one-time token, so CLI commands run while it is up go through its API instead
 * of opening the directory a second time; when no server runs, the CLI takes the lock itself.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  port: number | null;
  token: string;
  command: string;
}

const lockPath = (dataDir: string) => join(dataDir, 'kbi.lock.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process holding the data directory, if one is running. */
export function currentHolder(dataDir: string): LockInfo | null {
  const p = lockPath(dataDir);
  if (!existsSync(p)) return null;
  try {
    const info = JSON.parse(readFileSync(p, 'utf8')) as LockInfo;
    return info.pid !== process.pid && alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/** Takes the data directory for this process; throws naming the holder when another process has it. */
export function acquireLock(dataDir: string, command: string, port: number | null = null): LockInfo {
  const holder = currentHolder(dataDir);
  if (holder)
    throw new Error(`the data directory ${dataDir} is in use by process ${holder.pid} (kbi ${holder.command}); stop it or let the command go through its API`);
  mkdirSync(dataDir, { recursive: true });
  const info: LockInfo = { pid: process.pid, port, token: randomBytes(24).toString('base64url'), command };
  writeFileSync(lockPath(dataDir), JSON.stringify(info), { mode: 0o600 });
  const release = () => {
    try {
      const now = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
      if (now.pid === process.pid) rmSync(lockPath(dataDir));
    } catch {
      /* gone */
    }
  };
  process.once('exit', release);
  return info;
}

export function updateLockPort(dataDir: string, info: LockInfo, port: number): void {
  info.port = port;
  writeFileSync(lockPath(dataDir), JSON.stringify(info), { mode: 0o600 });
}
