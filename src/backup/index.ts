/** Backup and restore (README "Backups"): the public part of src/backup. */
export { type BackupOptions, type BackupResult, backup } from './backup.js';
export type { BackupFs, FileHandleLike } from './fs-port.js';
export { NODE_BACKUP_FS } from './fs-port.js';
export type { StepHook } from './job.js';
export { type BackupListEntry, type ListBackupsOptions, listBackups } from './list.js';
export type { BackupManifest, ManifestFile } from './manifest.js';
export { type PruneItem, type PruneOptions, type PruneResult, pruneBackups } from './prune.js';
export { type RestoreOptions, type RestoreResult, restore } from './restore.js';
export { type VerifyOptions, type VerifyResult, verifyBackup } from './verify.js';
