"""British-sounding employee names, a few with characters SAP writes in Windows-1252 (’ é ë á)."""

from __future__ import annotations

import random

FORENAMES = tuple(
    """
    Olivia Amelia Isla Ava Emily Sophie Grace Lily Freya Ella Charlotte Hannah Jessica Lucy
    Rebecca Sarah Emma Laura Rachel Claire Helen Karen Joanne Nicola Michelle Kelly Gemma Louise
    Amy Katie Natalie Victoria Zoe Priya Aisha Fatima Ayesha Megan Bethan Rhian Eilidh Oliver
    George Harry Jack Jacob Charlie Thomas James William Daniel Matthew David Paul Mark Andrew
    Richard Stephen Christopher Michael Peter Simon Gareth Rhys Owen Callum Liam Ryan Adam Ben Sam
    Joe Mohammed Imran Arjun Ravi Tariq Kwame Tunde Wei Hamish Euan
""".split()
)
ACCENTED_FORENAMES = tuple("Chloé Zoë Renée José Siân Seán Siobhán Aoife Niamh".split())

SURNAMES = tuple(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
    Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner
    Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott
    Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
    Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson
    Ellis Adams Singh Begum Ali Hussain Ahmed Okafor Mensah Nowak Kowalski Chen Campbell Stewart
    MacDonald Fraser
""".split()
)
APOSTROPHE_SURNAMES = tuple("O’Brien O’Connor O’Neill O’Sullivan D’Souza O’Reilly".split())

ACCENT_SHARE = 0.04


def employee_name(rng: random.Random) -> str:
    """A 'Forename Surname' name; a small share use ’ or accented letters, as real payrolls do."""
    forenames = ACCENTED_FORENAMES if rng.random() < ACCENT_SHARE else FORENAMES
    surnames = APOSTROPHE_SURNAMES if rng.random() < ACCENT_SHARE else SURNAMES
    return f"{rng.choice(forenames)} {rng.choice(surnames)}"
