"""Exceptions: one class per libcsvc error code, all under csvc.Error."""

from typing import Dict, Optional, Type

from ._enums import ErrorCode

__all__ = [
    "Error", "GenericError", "InvalidArgument", "OutOfMemory", "NotFound", "AlreadyExists",
    "InvalidTransition", "Conflict", "Busy", "StorageError", "Corrupt", "Stopped",
    "OutOfRange", "VersionMismatch", "NotAStore", "ReadOnly", "AccessDenied", "StoreClosed",
]


class Error(Exception):
    """Base class of every libcsvc error.

    Attributes:
        message: the library's message (UTF-8 detail, may quote the rejected value).
        code: the library's error code (an ErrorCode, or an int for codes this
            version does not know).
        engine: the storage engine whose failure is behind the error ("sqlite"),
            or None when no engine call failed.
        engine_code: the engine's own numeric code (SQLite: the extended result
            code), or 0.
        sqlstate: the engine's five-character SQLSTATE (PostgreSQL), or "".
    """

    code: int = ErrorCode.ERROR

    def __init__(self, message: str = "", code: Optional[int] = None, engine: Optional[str] = None,
                 engine_code: int = 0, sqlstate: str = "") -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            try:
                self.code = ErrorCode(code)
            except ValueError:
                self.code = code
        self.engine = engine
        self.engine_code = engine_code
        self.sqlstate = sqlstate

    def __str__(self) -> str:
        return self.message


class GenericError(Error):
    """CSVC_ERROR: a failure not covered by another code."""
    code = ErrorCode.ERROR


class InvalidArgument(Error, ValueError):
    """CSVC_EINVAL: bad UTF-8, unknown enum value, malformed text, invalid definition."""
    code = ErrorCode.EINVAL


class OutOfMemory(Error, MemoryError):
    """CSVC_ENOMEM."""
    code = ErrorCode.ENOMEM


class NotFound(Error, LookupError):
    """CSVC_ENOTFOUND: no such record (or store file, when creation is not allowed)."""
    code = ErrorCode.ENOTFOUND


class AlreadyExists(Error):
    """CSVC_EEXISTS: a unique value (external ID, UUID, link) is taken."""
    code = ErrorCode.EEXISTS


class InvalidTransition(Error):
    """CSVC_ESTATE: not allowed in the current state (an illegal ticket
    transition, a merged or erased customer, commit without begin ...)."""
    code = ErrorCode.ESTATE


class Conflict(Error):
    """CSVC_ECONFLICT: the record changed since it was read (stale revision)."""
    code = ErrorCode.ECONFLICT


class Busy(Error):
    """CSVC_EBUSY: another connection held the lock longer than the busy timeout."""
    code = ErrorCode.EBUSY


class StorageError(Error):
    """CSVC_ESTORAGE: I/O error, disk full, other SQLite failures."""
    code = ErrorCode.ESTORAGE


class Corrupt(Error):
    """CSVC_ECORRUPT: not an SQLite file, or damaged data."""
    code = ErrorCode.ECORRUPT


class Stopped(Error):
    """CSVC_EUSER: reserved for callbacks that stop a walk."""
    code = ErrorCode.EUSER


class OutOfRange(Error, ValueError):
    """CSVC_ERANGE: too long, too many, index out of range, nesting too deep."""
    code = ErrorCode.ERANGE


class VersionMismatch(Error):
    """CSVC_EVERSION: store written by a newer libcsvc, or needs an upgrade but read-only."""
    code = ErrorCode.EVERSION


class NotAStore(Error):
    """CSVC_ENOTSTORE: an SQLite file of another application."""
    code = ErrorCode.ENOTSTORE


class ReadOnly(Error):
    """CSVC_EREADONLY: a write on a store opened read-only."""
    code = ErrorCode.EREADONLY


class AccessDenied(Error):
    """CSVC_EACCESS: the store's principal may not do this (access control)."""
    code = ErrorCode.EACCESS


class StoreClosed(InvalidTransition):
    """The store is closed, or was closed while this iterator was open
    (code CSVC_ESTATE). Raised by the bindings, not by the library."""


_ERROR_CLASSES: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (GenericError, InvalidArgument, OutOfMemory, NotFound, AlreadyExists,
                InvalidTransition, Conflict, Busy, StorageError, Corrupt, Stopped, OutOfRange,
                VersionMismatch, NotAStore, ReadOnly, AccessDenied)
}
