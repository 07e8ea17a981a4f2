//! The files of a SQLite store, all private to the user hookd runs as (mode 0600): the
//! database, the `-wal` and `-shm` files SQLite makes beside it, the `.lock` file, and the
//! `.key` file that seals secrets when `HOOKD_SECRET_KEY` is unset.
//!
//! SQLite gives its `-wal` and `-shm` files the database file's mode, so the database file is
//! made here, 0600, before SQLite opens it; every other file is made 0600 too, whatever the
//! umask. Files that already exist keep their mode.

use crate::store::sealing::SealingKey;
use crate::store::{StoreError, StoreResult};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options that make a file readable and writable by its owner only.
fn private() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// `<database><suffix>`, e.g. `hookd.db.lock`.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes the database file (empty, 0600) if there is none yet, so that SQLite and its `-wal`
/// and `-shm` files start private.
pub fn create_database(path: &Path) -> StoreResult<()> {
    match private().write(true).create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(StoreError::Unavailable(format!(
            "cannot create {}: {error}",
            path.display()
        ))),
    }
}

/// Takes the exclusive lock beside the database file. SQLite is the single-node backend: a
/// second process on the same file would take over the first one's deliveries at start and
/// send them twice, so it is refused.
pub fn lock(path: &Path) -> StoreResult<File> {
    let lock_path = beside(path, ".lock");
    let file = private()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            StoreError::Unavailable(format!("cannot open {}: {e}", lock_path.display()))
        })?;
    file.try_lock().map_err(|_| {
        StoreError::Unavailable(format!(
            "{} is in use by another hookd process (one process per SQLite file; \
             PostgreSQL is for several nodes)",
            path.display()
        ))
    })?;
    Ok(file)
}

/// The key in `<database>.key`, made (a fresh random key, 0600) if the file does not exist.
/// Called with the lock held, so no other process makes it at the same moment.
pub fn key(path: &Path) -> StoreResult<(SealingKey, PathBuf)> {
    let key_path = beside(path, ".key");
    let unreadable = |e: std::io::Error| {
        StoreError::Unavailable(format!(
            "cannot read the key file {}: {e}",
            key_path.display()
        ))
    };
    match std::fs::read_to_string(&key_path) {
        Ok(text) => {
            let key = SealingKey::parse(&text).ok_or_else(|| {
                StoreError::Unavailable(format!(
                    "the key file {} does not hold the base64 of a 32-byte key",
                    key_path.display()
                ))
            })?;
            Ok((key, key_path))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = SealingKey::generate();
            let mut file = private()
                .write(true)
                .create_new(true)
                .open(&key_path)
                .map_err(unreadable)?;
            file.write_all(format!("{}\n", key.to_base64()).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(unreadable)?;
            tracing::info!(
                key_file = %key_path.display(),
                key_id = key.id(),
                "made a key to seal webhook secrets with; keep it with the database (backups \
                 need both)"
            );
            Ok((key, key_path))
        }
        Err(error) => Err(unreadable(error)),
    }
}
