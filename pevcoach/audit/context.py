"""The request being served, for the audit trail: services record who and from where without
taking the request as an argument (set by AuditMiddleware, one value per thread or task)."""

import contextvars

current_request = contextvars.ContextVar("pevcoach_audit_request", default=None)
