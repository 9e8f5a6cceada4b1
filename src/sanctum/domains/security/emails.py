"""The text of each email account security sends. Links carry their token in the fragment (`#token=`),
which browsers never send to a server: it stays out of access logs, proxies and Referer headers."""

from __future__ import annotations

from sanctum.mail import Email


def verify_address(to: str, username: str, link: str, hours: int) -> Email:
    return Email(
        to=to,
        subject="Confirm your email address for Sanctum",
        text=(
            f"Hello {username},\n\nPlease confirm that this is your email address by opening this link:\n\n"
            f"{link}\n\nThe link works for {hours} hours. If you did not ask for this, ignore this message.\n"
        ),
    )


def confirm_new_address(to: str, username: str, link: str, hours: int) -> Email:
    return Email(
        to=to,
        subject="Confirm your new email address for Sanctum",
        text=(
            f"Hello {username},\n\nYou asked to use this address for your Sanctum account. It becomes the "
            f"account's address once you open this link:\n\n{link}\n\nThe link works for {hours} hours. "
            "If you did not ask for this, ignore this message: nothing changes.\n"
        ),
    )


def reset_password(to: str, username: str, link: str, minutes: int) -> Email:
    return Email(
        to=to,
        subject="Reset your Sanctum password",
        text=(
            f"Hello {username},\n\nSomeone, hopefully you, asked to reset the password of your Sanctum "
            f"account. Choose a new one here:\n\n{link}\n\nThe link works once, for {minutes} minutes; using "
            "it ends every session of the account. If you did not ask for this, ignore this message.\n"
        ),
    )
