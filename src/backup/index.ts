/** Backup and restore (README "Backups"): the public part of src/backup. */

export type { FileHandleLike, FsPort } from '../fs/port.js';
export { NODE_FS } from '../fs/port.js';
export { type BackupOptions, type BackupResult, backup, type OpenPoolBackupOptions } from './backup.js';
export type { WritesHeld } from './file-method.js';
export type { BackupProgress, StepHook } from './job.js';
export { type BackupListEntry, type ListBackupsOptions, listBackups } from './list.js';
export type { BackupManifest, ManifestFile } from './manifest.js';
export { type PruneItem, type PruneOptions, type PruneResult, pruneBackups } from './prune.js';
export { type RestoreOptions, type RestoreResult, restore } from './restore.js';
export { type VerifyOptions, type VerifyResult, verifyBackup } from './verify.js';
