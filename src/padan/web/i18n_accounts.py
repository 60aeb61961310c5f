"""Interface text of the accounts page and the change-password form (Indonesian, English)."""

from __future__ import annotations

__all__ = ["ACCOUNT_TEXT"]

ACCOUNT_TEXT: dict[str, tuple[str, str]] = {
    "accounts": ("Pengguna & token API", "Users & API tokens"),
    "accounts_note": (
        "Setiap perubahan dicatat di log audit. Pengguna nonaktif tidak dapat masuk; sesi dan "
        "tokennya langsung berhenti.",
        "Every change is written to the audit log. A deactivated user cannot log in; their "
        "sessions and tokens stop at once.",
    ),
    "accounts_done": ("Selesai", "Done"),
    "users": ("Pengguna", "Users"),
    "tokens": ("Token API", "API tokens"),
    "tokens_note": (
        "Token baru dibuat dengan padan token create (ditampilkan sekali).",
        "New tokens are made with padan token create (shown once).",
    ),
    "status": ("Status", "Status"),
    "actions": ("Tindakan", "Actions"),
    "active": ("Aktif", "Active"),
    "inactive": ("Nonaktif", "Deactivated"),
    "must_change": ("wajib ganti kata sandi", "must change password"),
    "deactivate": ("Nonaktifkan", "Deactivate"),
    "reactivate": ("Aktifkan kembali", "Reactivate"),
    "require-password-change": ("Wajibkan ganti kata sandi", "Require password change"),
    "created": ("Dibuat", "Created"),
    "expires": ("Berlaku sampai", "Expires"),
    "never": ("tidak kedaluwarsa", "never"),
    "token_active": ("Aktif", "Active"),
    "token_revoked": ("Dicabut", "Revoked"),
    "token_expired": ("Kedaluwarsa", "Expired"),
    "revoke": ("Cabut", "Revoke"),
    "change_password": ("Ganti kata sandi", "Change password"),
    "current_password": ("Kata sandi saat ini", "Current password"),
    "new_password": ("Kata sandi baru (min. 10 karakter)", "New password (at least 10 characters)"),
    "repeat_password": ("Ulangi kata sandi baru", "Repeat the new password"),
    "password_changed": ("Kata sandi telah diganti.", "The password was changed."),
}
