"""The PBX directory behind the dial form's completion and hint line."""

from __future__ import annotations


def test_directory_names_the_candidates_of_a_partial_number() -> None:
    from simotui.api.dates import pbx_zone
    from simotui.api.models import User
    from simotui.directory import Directory

    tz = pbx_zone("Asia/Tehran")
    users = [
        User.from_api({"_id": n, "number": n, "name": f"User {n}", "active": "yes"}, tz)
        for n in ("552", "557", "5510", "101")
    ]
    directory = Directory()
    directory.load(users, [])
    assert [u.number for u in directory.candidates("55")] == ["552", "557", "5510"]
    assert directory.complete_number("55") == "552"
    assert directory.describe("557") == "557 User 557"
    assert directory.describe("09121234567") == "09121234567 (external)"
    assert directory.describe("150") == "150 (not an extension)"
