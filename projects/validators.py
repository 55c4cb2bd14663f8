"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character."""

from django.core.exceptions import ValidationError

# The 31 characters of the code (no I, O, Z, S, V), each with its value 0–30.
CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17):
    """The 18th character for the first 17 (GB 32100-2015 §5)."""
    total = sum(
        CREDIT_CODE_CHARACTERS.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31]


def validate_credit_code(value):
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，“{value}”为 {len(code)} 位。")
    bad = sorted({char for char in code if char not in CREDIT_CODE_CHARACTERS})
    if bad:
        raise ValidationError(f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}。")
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(f"统一社会信用代码“{value}”校验位不正确。")
