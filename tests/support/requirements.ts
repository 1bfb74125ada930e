import { existsSync } from 'node:fs';

/**
 * A suite that needs something this machine lacks (Chromium, PostgreSQL) is skipped with
 * a loud reason on a developer's machine. Under CI=true a skip would hide a broken
 * install step, so it fails instead.
 */
export interface Requirement {
  available: boolean;
  reason: string;
}

export function requirement(name: string, found: string | undefined, hint: string): Requirement {
  if (found) return { available: true, reason: '' };
  const reason = `${name} not found: ${hint}`;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and ${reason}. CI must install it (see .ci/run).`);
  }
  console.warn(`\n⚠ SKIPPING: ${reason}\n`);
  return { available: false, reason };
}

export function firstExisting(paths: readonly (string | undefined)[]): string | undefined {
  return paths.find((path): path is string => Boolean(path) && existsSync(path as string));
}

export function chromiumRequirement(): Requirement & { executablePath: string } {
  const executablePath = firstExisting([process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']);
  return {
    ...requirement('Chromium', executablePath, "install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH"),
    executablePath: executablePath ?? '',
  };
}
