"""Each center's words for the canonical codes (see ``docs/extract_formats.md``)."""

from __future__ import annotations

HISTOTYPE_EN = {
    "leiomyosarcoma": "Leiomyosarcoma",
    "undifferentiated_pleomorphic_sarcoma": "Undifferentiated pleomorphic sarcoma",
    "dedifferentiated_liposarcoma": "Dedifferentiated liposarcoma",
    "synovial_sarcoma": "Synovial sarcoma",
    "alveolar_soft_part_sarcoma": "Alveolar soft part sarcoma",
    "chordoma": "Chordoma",
    "gist": "Gastrointestinal stromal tumour",
    "smarca4_deficient_tumor": "SMARCA4-deficient undifferentiated tumour",
    "mpnst": "Malignant peripheral nerve sheath tumour",
    "angiosarcoma": "Angiosarcoma",
    "osteosarcoma": "Osteosarcoma",
    "other_sarcoma": "Other sarcoma",
}
HISTOTYPE_FR = {
    "leiomyosarcoma": "Léiomyosarcome",
    "undifferentiated_pleomorphic_sarcoma": "Sarcome pléomorphe indifférencié",
    "dedifferentiated_liposarcoma": "Liposarcome dédifférencié",
    "synovial_sarcoma": "Sarcome synovial",
    "alveolar_soft_part_sarcoma": "Sarcome alvéolaire des parties molles",
    "chordoma": "Chordome",
    "gist": "Tumeur stromale gastro-intestinale",
    "smarca4_deficient_tumor": "Tumeur indifférenciée SMARCA4-déficiente",
    "mpnst": "Tumeur maligne des gaines nerveuses périphériques",
    "angiosarcoma": "Angiosarcome",
    "osteosarcoma": "Ostéosarcome",
    "other_sarcoma": "Autre sarcome",
}
HISTOTYPE_ICDO3 = {
    "leiomyosarcoma": "8890/3",
    "undifferentiated_pleomorphic_sarcoma": "8802/3",
    "dedifferentiated_liposarcoma": "8858/3",
    "synovial_sarcoma": "9040/3",
    "alveolar_soft_part_sarcoma": "9581/3",
    "chordoma": "9370/3",
    "gist": "8936/3",
    "smarca4_deficient_tumor": "8044/3",
    "mpnst": "9540/3",
    "angiosarcoma": "9120/3",
    "osteosarcoma": "9180/3",
    "other_sarcoma": "8800/3",
}
#: Misspellings and abbreviations planted in ``legacy`` (map via vocabulary).
HISTOTYPE_LEGACY_VARIANTS = {
    "leiomyosarcoma": ("leiomyosarcom", "LMS", "Leiomysarcoma"),
    "undifferentiated_pleomorphic_sarcoma": ("UPS", "Undifferenciated pleomorphic sarcoma"),
    "dedifferentiated_liposarcoma": ("DDLPS", "Dedifferenciated liposarcoma"),
    "angiosarcoma": ("Angiosarcomme",),
    "osteosarcoma": ("Osteosarcome",),
    "gist": ("GIST",),
    "mpnst": ("MPNST",),
    "alveolar_soft_part_sarcoma": ("ASPS",),
}

DRUG_FR = {
    "pembrolizumab": "Pembrolizumab",
    "nivolumab": "Nivolumab",
    "atezolizumab": "Atézolizumab",
    "durvalumab": "Durvalumab",
    "avelumab": "Avélumab",
    "ipilimumab": "Ipilimumab",
    "cyclophosphamide": "Cyclophosphamide",
    "axitinib": "Axitinib",
    "trabectedin": "Trabectédine",
}
DRUG_BRAND = {
    "pembrolizumab": "Keytruda",
    "nivolumab": "Opdivo",
    "atezolizumab": "Tecentriq",
    "durvalumab": "Imfinzi",
    "avelumab": "Bavencio",
    "ipilimumab": "Yervoy",
    "cyclophosphamide": "Endoxan",
    "axitinib": "Inlyta",
    "trabectedin": "Yondelis",
}
#: Misspelt drug names planted in ``legacy``.
DRUG_LEGACY_MISSPELLINGS = {
    "pembrolizumab": ("pembrolizumb", "pembrolisumab"),
    "nivolumab": ("nivolumap", "nivolumb"),
    "atezolizumab": ("atezolizumb",),
    "cyclophosphamide": ("cyclophosphamid", "cyclofosfamide"),
    "ipilimumab": ("ipilimumb",),
}

STOP_REASON_FR = {
    "progression": "Progression",
    "toxicity": "Toxicité",
    "death": "Décès",
    "patient_choice": "Choix du patient",
    "completed": "Fin de traitement",
    "ongoing": "En cours",
    "other": "Autre",
}
RECIST_FR = {
    "CR": "RC",
    "PR": "RP",
    "SD": "SD",
    "NON-CR/NON-PD": "Non-RC/Non-MP",
    "PD": "MP",
    "NE": "NE",
}
SITE_FR = {
    "lung": "poumon",
    "liver": "foie",
    "bone": "os",
    "lymph_node": "ganglions",
    "peritoneum": "péritoine",
    "pleura": "plèvre",
    "soft_tissue": "tissus mous",
    "brain": "cerveau",
}
AE_TERM_FR = {
    "Fatigue": "Asthénie",
    "Diarrhea": "Diarrhée",
    "Pruritus": "Prurit",
    "Rash maculo-papular": "Éruption maculo-papuleuse",
    "Hypothyroidism": "Hypothyroïdie",
    "Hyperthyroidism": "Hyperthyroïdie",
    "Pneumonitis": "Pneumopathie inflammatoire",
    "Colitis": "Colite",
    "Alanine aminotransferase increased": "Augmentation des ALAT",
    "Arthralgia": "Arthralgies",
    "Nausea": "Nausées",
    "Anemia": "Anémie",
    "Adrenal insufficiency": "Insuffisance surrénalienne",
    "Myocarditis": "Myocardite",
    "Infusion related reaction": "Réaction liée à la perfusion",
}
YES_NO = {"ref": ("yes", "no"), "frcsv": ("Oui", "Non"), "xlsx": ("Oui", "Non"),
          "wide": ("yes", "no"), "shifted": ("yes", "no"), "legacy": ("Y", "N")}  # fmt: skip


def translate_sites(sites, mapping: dict[str, str], separator: str):
    """Rewrite ``|``-separated canonical site lists with another vocabulary and separator."""
    import numpy as np

    sites = np.asarray(sites, dtype=object)
    distinct, inverse = np.unique(sites.astype(str), return_inverse=True)
    rendered = [
        separator.join(mapping.get(s, s) for s in value.split("|")) if value else ""
        for value in distinct.tolist()
    ]
    return np.array(rendered, dtype=object)[inverse]
