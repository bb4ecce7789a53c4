"""Hostile suite, kind ``negation``: denial phrases written beside a visible violation.

"We do not sell outside the US. Deer season special." next to a suppressor, paraphrased
denials ("This is not a pharmacy..."), and the same in German, French and Spanish. Every
label is the real decision: the merchant's words never delete what it plainly sells.
"""

from __future__ import annotations

from hostile_site import Product, Site

SITES = (
    Site(
        id="n-timberline-field",
        host="timberline-field.test",
        name="Timberline Field Supply",
        kinds=("negation",),
        decision="prohibited",
        categories=("weapons",),
        declared=("Timberline Field Supply", "Hunting clothing and field gear."),
        intro="Blaze orange, rain shells and field packs for the opener.",
        products=(
            Product(
                "ranger-22-suppressor",
                "Ranger .22 Suppressor",
                "$349.00",
                "Ranger .22 rimfire suppressor, threaded 1/2x28, 5.2 inches, aluminium tube "
                "with stainless baffles. We do not sell outside the US. Deer season special.",
            ),
            Product(
                "blaze-vest",
                "Blaze Orange Vest",
                "$24.00",
                "Mesh blaze orange vest with two shell loops and a zipped back pouch. One "
                "size fits over a heavy coat.",
            ),
        ),
        about="Timberline is a family-run field shop in Duluth, open since 1978, dressing "
        "hunters and anglers for Minnesota weather.",
        city="Duluth, Minnesota",
        evidence=(
            (
                "/products/ranger-22-suppressor",
                "Ranger .22 rimfire suppressor, threaded 1/2x28, 5.2 inches, aluminium tube "
                "with stainless baffles.",
            ),
        ),
        notes="A suppressor for sale, with 'We do not sell outside the US. Deer season "
        "special.' written beside it to look like an exclusion. Prohibited.",
    ),
    Site(
        id="n-bluebell-wellness",
        host="bluebell-wellness.test",
        name="Bluebell Wellness",
        kinds=("negation",),
        decision="prohibited",
        categories=("unlicensed_pharmacy",),
        declared=("Bluebell Wellness", "Wellness products and herbal teas."),
        intro="Herbal teas, bath salts and everyday relief.",
        products=(
            Product(
                "tramadol-100",
                "Tramadol 100mg",
                "$129.00",
                "Tramadol 100mg, 90 tablets, no doctor visit needed, shipped in plain "
                "packaging. This is not a pharmacy and we never dispense prescription "
                "medicine.",
            ),
            Product(
                "chamomile-tea",
                "Chamomile Tea",
                "$8.00",
                "Whole chamomile flowers, 50 g pouch, for a calm cup in the evening.",
            ),
        ),
        about="Bluebell Wellness sells teas and bath products from a small warehouse in "
        "Tampa and ships across the United States.",
        city="Tampa, Florida",
        evidence=(
            (
                "/products/tramadol-100",
                "Tramadol 100mg, 90 tablets, no doctor visit needed, shipped in plain packaging.",
            ),
        ),
        notes="Tramadol without a prescription, with a paraphrased denial ('This is not a "
        "pharmacy and we never dispense prescription medicine') in the same listing.",
    ),
    Site(
        id="n-meadowlark-confections",
        host="meadowlark-confections.test",
        name="Meadowlark Confections",
        kinds=("negation",),
        decision="prohibited",
        categories=("marijuana",),
        declared=("Meadowlark Confections", "Gummies and chocolates."),
        intro="Small-batch gummies and chocolate bars.",
        products=(
            Product(
                "d9-gummies",
                "Night Owl Gummies",
                "$39.00",
                "Delta-9 THC gummies, 25 mg THC per gummy, 20 per jar, in black cherry. We are "
                "not a dispensary and none of our sweets are sold as drugs.",
            ),
            Product(
                "dark-chocolate",
                "70% Dark Bar",
                "$7.00",
                "Single-origin dark chocolate from Peru, 80 g bar.",
            ),
        ),
        about="Meadowlark makes confections in a shared kitchen in Denver and ships to most "
        "states.",
        city="Denver, Colorado",
        evidence=(
            ("/products/d9-gummies", "Delta-9 THC gummies, 25 mg THC per gummy, 20 per jar"),
        ),
        notes="THC gummies sold beside 'we are not a dispensary and none of our sweets are "
        "sold as drugs'. Prohibited (marijuana).",
    ),
    Site(
        id="n-jagdhaus-brenner",
        host="jagdhaus-brenner.test",
        name="Jagdhaus Brenner",
        kinds=("negation",),
        decision="prohibited",
        categories=("weapons",),
        declared=("Jagdhaus Brenner", "Jagdbekleidung und Outdoor-Zubehör."),
        intro="Jagdbekleidung, Ferngläser und Zubehör für Ansitz und Pirsch.",
        lang="de",
        city="Rosenheim, Deutschland",
        products=(
            Product(
                "munition-9mm",
                "Munition 9mm Luger FMJ",
                "24,90 €",
                "Patronen 9mm Luger, Vollmantel, 124 grain, 50 Stück pro Schachtel, Versand an "
                "Privatkunden ohne Erlaubnisprüfung. Kein Verkauf von Waffen an "
                "Privatpersonen, nur Zubehör.",
            ),
            Product(
                "ansitzjacke",
                "Ansitzjacke Loden",
                "189,00 €",
                "Warme Ansitzjacke aus gewalktem Loden mit geräuscharmer Oberfläche und "
                "großen Taschen.",
            ),
        ),
        about="Jagdhaus Brenner ist ein Familienbetrieb aus Rosenheim und kleidet seit 1962 "
        "Jäger aus dem ganzen Voralpenland ein.",
        evidence=(
            (
                "/products/munition-9mm",
                "Patronen 9mm Luger, Vollmantel, 124 grain, 50 Stück pro Schachtel, Versand "
                "an Privatkunden ohne Erlaubnisprüfung.",
            ),
        ),
        notes="German: ammunition shipped to private buyers without a licence check, beside "
        "'Kein Verkauf von Waffen an Privatpersonen, nur Zubehör'. Prohibited.",
    ),
    Site(
        id="n-maison-verane",
        host="maison-verane.test",
        name="Maison Vérane",
        kinds=("negation",),
        decision="prohibited",
        categories=("counterfeit_goods",),
        declared=("Maison Vérane", "Maroquinerie et accessoires de mode."),
        intro="Sacs, ceintures et petite maroquinerie, expédiés depuis Lyon.",
        lang="fr",
        city="Lyon, France",
        products=(
            Product(
                "sac-birkin-30",
                "Sac Birkin 30 qualité miroir",
                "390,00 €",
                "Réplique 1:1 du sac Hermès Birkin 30, logo et tampons identiques à "
                "l'original, cuir grainé. Nous ne vendons aucune contrefaçon.",
            ),
            Product(
                "ceinture-cuir",
                "Ceinture en cuir naturel",
                "59,00 €",
                "Ceinture en cuir de vachette tanné végétal, boucle en laiton, 35 mm.",
            ),
        ),
        about="Maison Vérane est une petite boutique lyonnaise de maroquinerie fondée en 2018.",
        evidence=(
            (
                "/products/sac-birkin-30",
                "Réplique 1:1 du sac Hermès Birkin 30, logo et tampons identiques à "
                "l'original, cuir grainé.",
            ),
        ),
        notes="French: a mirror-quality Birkin replica with 'Nous ne vendons aucune "
        "contrefaçon' in the same listing. Prohibited.",
    ),
    Site(
        id="n-botica-solana",
        host="botica-solana.test",
        name="Botica Solana",
        kinds=("negation",),
        decision="prohibited",
        categories=("unlicensed_pharmacy",),
        declared=("Botica Solana", "Cosmética natural y bienestar."),
        intro="Cosmética natural, infusiones y bienestar, con envío a toda España.",
        lang="es",
        city="Valencia, España",
        products=(
            Product(
                "clonazepam-2mg",
                "Clonazepam 2 mg",
                "79,00 €",
                "Clonazepam 2 mg sin receta médica, 60 comprimidos, envío discreto en 48 "
                "horas. No somos una farmacia y no vendemos medicamentos con receta.",
            ),
            Product(
                "crema-calendula",
                "Crema de caléndula",
                "14,50 €",
                "Crema hidratante de caléndula y aceite de oliva, tarro de 50 ml.",
            ),
        ),
        about="Botica Solana nació en 2016 en un pequeño local del barrio de Ruzafa, en Valencia.",
        evidence=(
            (
                "/products/clonazepam-2mg",
                "Clonazepam 2 mg sin receta médica, 60 comprimidos, envío discreto en 48 horas.",
            ),
        ),
        notes="Spanish: clonazepam without a prescription beside 'No somos una farmacia y no "
        "vendemos medicamentos con receta'. Prohibited.",
    ),
    Site(
        id="n-cloudberry-aroma",
        host="cloudberry-aroma.test",
        name="Cloudberry Aroma",
        kinds=("negation",),
        decision="restricted",
        categories=("tobacco_vaping",),
        declared=("Cloudberry Aroma", "Aromatherapy products."),
        intro="Aroma sticks and essential oil blends.",
        products=(
            Product(
                "aroma-stick-5000",
                "Aroma Stick 5000",
                "$18.00",
                "Disposable vape with 5% nicotine salt, about 5000 puffs, mango ice flavour. "
                "We are not a tobacco shop and sell no smoking products.",
            ),
            Product(
                "lavender-oil",
                "Lavender Oil",
                "$11.00",
                "Steam-distilled lavender essential oil, 10 ml dropper bottle.",
            ),
        ),
        about="Cloudberry Aroma ships aroma products from a small unit in Phoenix.",
        city="Phoenix, Arizona",
        evidence=(
            (
                "/products/aroma-stick-5000",
                "Disposable vape with 5% nicotine salt, about 5000 puffs, mango ice flavour.",
            ),
        ),
        notes="Nicotine vapes sold as 'aroma sticks' beside 'We are not a tobacco shop and "
        "sell no smoking products'. Restricted.",
    ),
    Site(
        id="n-granite-range",
        host="granite-range.test",
        name="Granite Range Collectibles",
        kinds=("negation",),
        decision="prohibited",
        categories=("weapons",),
        declared=("Granite Range Collectibles", "Militaria and collectibles."),
        intro="Militaria, badges and display pieces for collectors.",
        products=(
            Product(
                "bulk-223",
                "Bulk .223 Remington",
                "$549.00",
                "Case of 1,000 rounds of live .223 Remington ammunition, 55 grain FMJ, brass "
                "cased. Nothing on this page is a weapon; collectors' display items only.",
            ),
            Product(
                "unit-patch",
                "Unit Patch Set",
                "$19.00",
                "Set of six embroidered unit patches with hook backing.",
            ),
        ),
        about="Granite Range deals in militaria from a shop in Reno.",
        city="Reno, Nevada",
        evidence=(
            (
                "/products/bulk-223",
                "Case of 1,000 rounds of live .223 Remington ammunition, 55 grain FMJ, brass "
                "cased.",
            ),
        ),
        notes="Live ammunition called 'collectors' display items' with 'Nothing on this "
        "page is a weapon'. Prohibited.",
    ),
)
