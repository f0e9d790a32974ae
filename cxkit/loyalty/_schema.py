"""The transactions contract: column names, the error class and the input options.

A transactions table has one row per purchase (or refund): who bought
(``customer_id``), when (``date``) and for how much (``amount``).
:class:`TransactionSchema` renames the three columns for tables that spell them
differently, as :class:`cxkit.analytics.EventSchema` does for event logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxkit.core.errors import ProblemsError, format_value

__all__ = ["FIELDS", "TransactionError", "TransactionSchema"]

#: The fields of :class:`TransactionSchema`, all required.
FIELDS: tuple[str, ...] = ("customer", "date", "amount")


class TransactionError(ProblemsError):
    """A transactions table cannot be scored as given.

    The message names the file (when read from one), the line or row, the column,
    the value received and what was expected. ``problems`` lists every problem
    found (one line each), so that a table with several faults is reported in one go.
    """

    subject = "the transactions"


@dataclass(frozen=True)
class TransactionSchema:
    """Where the customer id, the date and the amount of each transaction live.

    Parameters
    ----------
    customer
        The customer id column (text or integers; compared as text when joined
        with an event log or a customer table).
    date
        The purchase date or time: a date, a datetime (a time-zone-aware one is
        converted to UTC first) or ISO 8601 text (``2026-03-31``,
        ``2026-03-31T10:00:00+09:00``). Days are calendar days of that value.
    amount
        The amount, a number: a purchase is ``>= 0``, a refund ``< 0``.

    Examples
    --------
    >>> TransactionSchema(customer="会員番号", date="購入日", amount="金額").amount
    '金額'
    >>> TransactionSchema(date="customer_id")
    Traceback (most recent call last):
    ...
    cxkit.loyalty._schema.TransactionError: TransactionSchema maps customer and date to the same column 'customer_id'; expected one column per field
    """  # noqa: E501

    customer: str = "customer_id"
    date: str = "date"
    amount: str = "amount"

    def __post_init__(self) -> None:
        for name in FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                raise TransactionError(
                    f"TransactionSchema.{name} must be a column name (non-empty text, at "
                    f"most 200 characters), got {format_value(value)}"
                )
        for i, a in enumerate(FIELDS):
            for b in FIELDS[i + 1 :]:
                if getattr(self, a) == getattr(self, b):
                    raise TransactionError(
                        f"TransactionSchema maps {a} and {b} to the same column "
                        f"{getattr(self, a)!r}; expected one column per field"
                    )

    def columns(self) -> tuple[str, str, str]:
        """The three column names: customer, date, amount."""
        return (self.customer, self.date, self.amount)
