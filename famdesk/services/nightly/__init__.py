"""The steps the transmission runs before it marks the requests transmitted.

Each module of this package defines ``STEP = NightlyStep(order, name, run)``; the run takes
them all, in `order` (design.md section 9: debit the consumed days (10), then apply the
annual enrollments (20)). A step is idempotent and resumable like the rest of the run, and
returns how many things it did.
"""
