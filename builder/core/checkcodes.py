"""Check characters of Chinese organization identifiers.

USCI (统一社会信用代码, GB 32100-2015): 18 characters, the last a mod-31 check.
Organization code (组织机构代码, GB 11714): 9 characters, the last a mod-11 check.
"""

USCI_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCI_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def usci_check_char(code: str) -> str | None:
    """The check character the first 17 characters call for, or None if they can't occur."""
    if len(code) < 17 or any(c not in USCI_ALPHABET for c in code[:17]):
        return None
    total = sum(USCI_ALPHABET.index(c) * w for c, w in zip(code[:17], USCI_WEIGHTS))
    return USCI_ALPHABET[(31 - total % 31) % 31]


def org_check_char(code: str) -> str | None:
    if len(code) < 8 or not code[:8].isalnum() or not code[:8].isascii():
        return None
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                for c, w in zip(code[:8].upper(), ORG_WEIGHTS))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def check_char(code: str) -> str | None:
    """The expected last character of an 18- or 9-character code."""
    if len(code) == 18:
        return usci_check_char(code)
    if len(code) == 9:
        return org_check_char(code)
    return None


def usci_area(code: str) -> str | None:
    """The six-digit registering area (characters 3–8) of a USCI."""
    return code[2:8] if len(code) == 18 else None
