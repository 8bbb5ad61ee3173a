"""How runs start and end.

jobs            the full refresh job, its nightly schedule, the executor every run uses
sensors         a run per data set whose raw objects changed
run_failures    the note a failed run leaves for the steward
run_monitoring  finding and ending runs whose worker died
definitions     all of the above, for the code location
"""
