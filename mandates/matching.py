"""The matching specification: how well one manager fits one mandate, and why.

Pure: plain functions and dataclasses, no database access, so it is tested criterion by criterion without one.
"""

# Default weight of each soft criterion (points out of their sum). Tuned per mandate in the admin.
DEFAULT_WEIGHTS = {
    "skills": 35,
    "function": 15,
    "industry": 10,
    "languages": 10,
    "region": 10,
    "availability": 10,
    "rate": 10,
}
