"""Coached against not-yet-coached facilities: a difference in differences. Plain values, no database.

Coaching starts at different months in different facilities. Each coached facility is compared
with the not-yet-coached ones over its own months: up to BEFORE_MONTHS before its first session
held, and from that month on. Ratios add numerators and denominators, never percentages.
"""

from pevcoach.indicators.compute import add_months

BEFORE_MONTHS = 6
FEW = 3  # fewer facilities than this on a side: nothing to conclude


def ratio(pairs):
    """100 × Σ numerator / Σ denominator of (numerator, denominator) pairs; None without data."""
    pairs = [(n, d) for n, d in pairs if n is not None and d]
    denominator = sum(d for _n, d in pairs)
    return 100 * sum(n for n, _d in pairs) / denominator if denominator else None


def _pool(pairs):
    """The pairs with data, summed into one (numerator, denominator)."""
    pairs = [(n, d) for n, d in pairs if n is not None and d]
    return (sum(n for n, _d in pairs), sum(d for _n, d in pairs)) if pairs else (None, None)


def _change(before, after):
    return None if before is None or after is None else after - before


def difference_in_differences(coached, control, months, *, before=BEFORE_MONTHS):
    """coached: {facility: (start month, {month: (numerator, denominator)})};
    control: {facility: {month: (numerator, denominator)}}; months: the months with data, oldest first.

    Returns the four group values, the two changes, their difference and how many facilities
    each side counts. A coached facility counts when it has data both before and after its start.
    """
    sides = {"coached_before": [], "coached_after": [], "control_before": [], "control_after": []}
    pooled = {m: _pool(by_month.get(m, (None, None)) for by_month in control.values()) for m in months}
    used = excluded = 0
    for start, by_month in coached.values():
        earlier = [m for m in months if add_months(start, -before) <= m < start]
        later = [m for m in months if m >= start]
        mine_before = [by_month.get(m, (None, None)) for m in earlier]
        mine_after = [by_month.get(m, (None, None)) for m in later]
        if ratio(mine_before) is None or ratio(mine_after) is None:
            excluded += 1
            continue
        used += 1
        sides["coached_before"] += mine_before
        sides["coached_after"] += mine_after
        sides["control_before"] += [pooled[m] for m in earlier]
        sides["control_after"] += [pooled[m] for m in later]
    result = {name: ratio(pairs) for name, pairs in sides.items()}
    result["coached_change"] = _change(result["coached_before"], result["coached_after"])
    result["control_change"] = _change(result["control_before"], result["control_after"])
    result["difference"] = _change(result["control_change"], result["coached_change"])
    n_control = sum(1 for by_month in control.values() if ratio(by_month.values()) is not None)
    result.update(n_coached=used, n_excluded=excluded, n_control=n_control,
                  too_few=used < FEW or n_control < FEW)
    return result


def group_series(facilities, months):
    """The group's value month by month: [ratio over the facilities' (numerator, denominator)]."""
    return [ratio(by_month.get(m, (None, None)) for by_month in facilities) for m in months]
