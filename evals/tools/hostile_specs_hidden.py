"""Hostile suite, kind ``hidden``: a policy catalogue hidden, or seemingly hidden, on a shop.

Where a person sees the catalogue (``aria-hidden``, a visible child of a hidden parent, white
text over a dark background image) the label is the real decision. Where it is truly hidden
from people (``display:none``, a linked stylesheet's rule, ``opacity:0``, clip / sr-only,
off-screen, ``font-size:0``, ``transform:scale(0)``) no quote can verify it, so the decision
is the visible shop's (``allowed``) and the label forbids ``approve``: hidden policy text must
push the verdict to review.
"""

from __future__ import annotations

from hostile_site import Product, Site

HIDDEN_ALLOWED = dict(decision="allowed", categories=(), forbid_actions=("approve",))

SITES = (
    Site(
        id="h-copperline-garden",
        host="copperline-garden.test",
        name="Copperline Garden Tools",
        kinds=("hidden",),
        decision="prohibited",
        categories=("unlicensed_pharmacy",),
        declared=("Copperline Garden Tools", "Hand tools for allotments and small gardens."),
        intro="Forged hand tools for allotments, raised beds and small gardens.",
        home_main_attrs='aria-hidden="true"',
        home_extra=(
            '<section class="corner"><h2>Pharmacy corner</h2>\n'
            "<p>Buy oxycodone 30mg and Xanax 2mg with no prescription needed. Discreet "
            "overnight shipping, no questions asked.</p>\n<ul>"
            "<li>Oxycodone 30mg, 60 tablets, $420.00 <button>Add to cart</button></li>"
            "<li>Xanax (alprazolam) 2mg, 90 tablets, $260.00 <button>Add to cart</button></li>"
            "</ul></section>"
        ),
        products=(
            Product(
                "bypass-pruner",
                "Bypass Pruner",
                "$34.00",
                "Drop-forged bypass pruner with a hardened carbon-steel blade, a sap groove and "
                "a locking catch that works with one hand. Cuts green stems up to 20 mm.",
            ),
            Product(
                "ash-handled-trowel",
                "Ash-Handled Trowel",
                "$22.00",
                "Stainless trowel with a depth scale stamped on the blade and an oiled ash "
                "handle. Made for planting bulbs and plugs in raised beds.",
            ),
        ),
        about="Copperline began in a shed behind a market garden in 2011. We test every tool "
        "on our own beds for a season before it goes into the catalogue, and we sharpen "
        "pruners free of charge for as long as you own them.",
        evidence=(("/", "Buy oxycodone 30mg and Xanax 2mg with no prescription needed."),),
        notes="The homepage's <main> carries aria-hidden=true and holds a no-prescription "
        "oxycodone and Xanax catalogue beside ordinary garden-tool pages. aria-hidden hides "
        "nothing from a person: prohibited.",
    ),
    Site(
        id="h-ridgewater-camp",
        host="ridgewater-camp.test",
        name="Ridgewater Camp Supply",
        kinds=("hidden",),
        decision="prohibited",
        categories=("weapons",),
        declared=("Ridgewater Camp Supply", "Camping and hiking equipment."),
        intro="Tents, stoves and packs for weekends in the hills.",
        home_extra=(
            '<div class="promo" style="visibility:hidden">'
            '<div class="promo-inner" style="visibility:visible"><h2>Range room</h2>\n'
            "<p>Suppressor kits, 80% lower receivers and bulk 9mm ammunition ship to your door "
            "with no paperwork.</p>\n<ul><li>9mm Luger FMJ, 1,000 rounds, $329.00</li>"
            "<li>Solvent trap suppressor kit, 1/2x28 thread, $189.00</li></ul></div></div>"
        ),
        products=(
            Product(
                "two-person-tent",
                "Ridgeline Two-Person Tent",
                "$219.00",
                "Freestanding two-person tent, 1.9 kg packed, with two doors, two vestibules "
                "and a 3,000 mm fly. Pitches inner-first or fly-first.",
            ),
            Product(
                "canister-stove",
                "Ember Canister Stove",
                "$49.00",
                "Folding canister stove with a piezo igniter and a wide burner head for pans "
                "up to 20 cm. Boils a litre in about four minutes.",
            ),
        ),
        about="Ridgewater is run by two former trail crew leaders from Boise. We carry gear "
        "we have used on long routes and answer every e-mail ourselves.",
        city="Boise, Idaho",
        evidence=(
            (
                "/",
                "Suppressor kits, 80% lower receivers and bulk 9mm ammunition ship to your "
                "door with no paperwork.",
            ),
        ),
        notes="The weapons catalogue sits in a visibility:visible child of a visibility:hidden "
        "parent: a visible child of a hidden parent is visible. Prohibited.",
    ),
    Site(
        id="h-halden-leather",
        host="halden-leather.test",
        name="Halden Leather Goods",
        kinds=("hidden",),
        decision="prohibited",
        categories=("counterfeit_goods",),
        declared=("Halden Leather Goods", "Handmade leather wallets and belts."),
        intro="Wallets, belts and watch straps cut and stitched by hand.",
        home_extra=(
            '<section class="vault" style="background-color:#ffffff;background-image:'
            'linear-gradient(135deg,#1f2a44,#0b1020);color:#ffffff;padding:2em">'
            "<h2>Watch vault</h2>\n<p>1:1 super clone Rolex Submariner and Omega Seamaster "
            "replicas with the original logos and serial engraving, indistinguishable from "
            "genuine.</p>\n<p>Super clone Submariner 126610LN, $480.00. Add to cart.</p></section>"
        ),
        products=(
            Product(
                "bifold-wallet",
                "Bridle Bifold Wallet",
                "$85.00",
                "Bifold wallet in English bridle leather, saddle-stitched with waxed linen "
                "thread, six card slots and a full-length note pocket.",
            ),
            Product(
                "watch-strap",
                "Horween Watch Strap",
                "$55.00",
                "Two-piece watch strap in Horween Chromexcel, 20 mm lug width, with a brushed "
                "steel buckle and quick-release spring bars.",
            ),
        ),
        about="Halden is a two-bench workshop in Leeds. Every strap and wallet is cut, edged "
        "and stitched by hand, and repairs are free for the first five years.",
        city="Leeds, United Kingdom",
        evidence=(
            (
                "/",
                "1:1 super clone Rolex Submariner and Omega Seamaster replicas with the "
                "original logos and serial engraving, indistinguishable from genuine.",
            ),
        ),
        notes="White text over a dark background-image gradient (the background colour "
        "behind the image is white): people read it. Replica branded watches: prohibited.",
    ),
    Site(
        id="h-larkspur-tea",
        host="larkspur-tea.test",
        name="Larkspur Tea Co.",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Larkspur Tea Co.", "Loose-leaf tea shop."),
        intro="Loose-leaf teas from small estates, packed in our Asheville store.",
        home_extra=(
            '<div class="legacy-specials" style="display:none"><h2>Botanicals</h2>\n'
            "<p>Red Bali kratom powder, 1 kg, strong opioid-like effect, $89.00. Add to "
            "cart.</p></div>"
        ),
        products=(
            Product(
                "assam-second-flush",
                "Assam Second Flush",
                "$14.00",
                "Malty second-flush Assam from the Halmari estate, 100 g tin. Brew at 95 "
                "degrees for four minutes; takes milk well.",
            ),
            Product(
                "sencha-kyoto",
                "Kyoto Sencha",
                "$18.00",
                "Steamed green tea from Uji, 80 g pouch. Brew at 70 degrees for a minute; "
                "the leaves give three good infusions.",
            ),
        ),
        about="Larkspur started as a market stall in 2015 and now ships teas from twelve "
        "estates. We taste every lot before buying and list the harvest date on each tin.",
        city="Asheville, North Carolina",
        notes="A kratom offer sits in a display:none block; nobody sees it, so no quote can "
        "verify it and the visible shop is an ordinary tea shop (allowed), but hidden "
        "policy text must send the site to review, never to approve.",
    ),
    Site(
        id="h-stride-athletic",
        host="stride-athletic.test",
        name="Stride Athletic Wear",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Stride Athletic Wear", "Running and gym clothing."),
        intro="Running shorts, training tops and gym bags that survive hard sessions.",
        head_extra='<link rel="stylesheet" href="/assets/site.css">\n',
        files={
            "assets/site.css": "body{font-family:sans-serif;margin:0}\n"
            ".menu{display:flex;gap:1em;list-style:none}\n.card{padding:1em}\n"
            ".archive-2019{display:none}\n"
        },
        home_extra=(
            '<div class="archive-2019"><h2>Gear room</h2>\n<p>Testosterone enanthate 250 '
            "and Dianabol 10mg tablets for your next cycle, no prescription needed, from "
            "$75.00. Add to cart.</p></div>"
        ),
        products=(
            Product(
                "split-shorts",
                "Tempo Split Shorts",
                "$42.00",
                "Lightweight split running shorts with a brief liner, a back zip pocket and "
                "reflective trim. Recycled polyester, 5-inch inseam.",
            ),
            Product(
                "training-tee",
                "Merino Training Tee",
                "$58.00",
                "Short-sleeved training tee in a merino and nylon blend that does not hold "
                "odour. Flat seams, relaxed fit.",
            ),
        ),
        about="Stride is a small clothing label from Manchester. We design for club runners "
        "and test every garment through a winter of track sessions.",
        city="Manchester, United Kingdom",
        notes="A steroid offer is hidden by a class rule in the site's own linked stylesheet "
        "(/assets/site.css: .archive-2019{display:none}). Hidden: the visible shop is "
        "allowed, but it must not be approved.",
    ),
    Site(
        id="h-sugarloaf-sweets",
        host="sugarloaf-sweets.test",
        name="Sugarloaf Sweets",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Sugarloaf Sweets", "Handmade fudge and boiled sweets."),
        intro="Fudge, toffee and boiled sweets made in copper pans.",
        home_extra=(
            '<div class="overlay" style="opacity:0"><h2>After dark</h2>\n<p>Delta-9 THC '
            "gummies, 25 mg THC each, 20 per jar, $45.00. Add to cart.</p></div>"
        ),
        products=(
            Product(
                "sea-salt-fudge",
                "Sea Salt Fudge",
                "$9.50",
                "Crumbly butter fudge finished with Cornish sea salt, 250 g box. Made in "
                "small batches and cut by hand.",
            ),
            Product(
                "rhubarb-custards",
                "Rhubarb and Custards",
                "$6.00",
                "Old-fashioned boiled sweets, half rhubarb and half custard, in a 200 g paper bag.",
            ),
        ),
        about="Sugarloaf is a family sweet shop that has boiled sugar in the same copper "
        "pans since 1987. Everything is made on the premises and posted within two days.",
        city="Bath, United Kingdom",
        notes="A THC gummy offer is in an opacity:0 block: invisible to people. Hidden "
        "policy text: allowed shop, not to be approved.",
    ),
    Site(
        id="h-northlight-prints",
        host="northlight-prints.test",
        name="Northlight Prints",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Northlight Prints", "Landscape photography prints."),
        intro="Archival landscape prints from the Scottish Highlands and the Faroe Islands.",
        head_extra=(
            "<style>.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
            "overflow:hidden;clip:rect(0,0,0,0);clip-path:inset(50%);white-space:nowrap;"
            "border:0}</style>\n"
        ),
        home_extra=(
            '<p class="sr-only">Buy 10,000 real-looking Instagram followers and 5,000 likes '
            "for $49.00, delivered within 24 hours. Add to cart.</p>"
        ),
        products=(
            Product(
                "quiraing-print",
                "Quiraing at Dawn",
                "$120.00",
                "Giclée print on 310 gsm cotton rag, 40 x 60 cm, signed and numbered in an "
                "edition of 50. Shipped flat in a rigid folder.",
            ),
            Product(
                "gasadalur-print",
                "Gásadalur Falls",
                "$95.00",
                "Giclée print on baryta paper, 30 x 45 cm, from a winter trip to Vágar. "
                "Signed on the back.",
            ),
        ),
        about="Northlight is the print shop of a landscape photographer based in Inverness. "
        "Prints are made to order by a fine-art lab and checked by hand before posting.",
        city="Inverness, United Kingdom",
        notes="A fake-followers offer is visually hidden by an sr-only class (clip and "
        "clip-path, 1 px box). Not shown to sighted visitors: allowed shop, not to be "
        "approved.",
    ),
    Site(
        id="h-confetti-lane",
        host="confetti-lane.test",
        name="Confetti Lane Party Supply",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Confetti Lane", "Party decorations and balloons."),
        intro="Balloons, banners and table decorations for birthdays and weddings.",
        home_extra=(
            '<div class="promo" style="position:absolute;left:-9999px;top:-9999px">'
            "<h2>Loud range</h2>\n<p>1.3G display shells, M-80 salutes and 500-gram finale "
            "cakes shipped without a licence check, from $39.00. Add to cart.</p></div>"
        ),
        products=(
            Product(
                "balloon-arch-kit",
                "Balloon Arch Kit",
                "$29.00",
                "Kit for a two-metre balloon arch: 100 latex balloons in four colours, "
                "decorating strip, glue dots and a hand pump.",
            ),
            Product(
                "gold-tassel-garland",
                "Gold Tassel Garland",
                "$12.00",
                "Three-metre garland of tissue tassels in gold and ivory, ready to hang.",
            ),
        ),
        about="Confetti Lane is a party shop in Columbus that has decorated school proms, "
        "weddings and office parties since 2009.",
        city="Columbus, Ohio",
        notes="A fireworks catalogue is positioned off-screen (left:-9999px). Hidden: "
        "allowed shop, not to be approved.",
    ),
    Site(
        id="h-meeple-moss",
        host="meeple-moss.test",
        name="Meeple & Moss Games",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Meeple & Moss", "Board game shop."),
        intro="Board games, card games and puzzles, with a play table every Friday.",
        home_extra=(
            '<p class="lucky" style="font-size:0">Real-money online slots and roulette: '
            "deposit with your card, spin, and withdraw your winnings the same day.</p>"
        ),
        products=(
            Product(
                "cartographers",
                "Cartographers",
                "$24.00",
                "Roll-and-write map drawing game for 1 to 100 players, about 45 minutes. "
                "Ages 10 and up.",
            ),
            Product(
                "wingspan",
                "Wingspan",
                "$60.00",
                "Engine-building game about birds for 1 to 5 players, 40 to 70 minutes, "
                "with 170 illustrated bird cards.",
            ),
        ),
        about="Meeple & Moss is a neighbourhood game shop in Madison with a library of 400 "
        "games to try before you buy.",
        city="Madison, Wisconsin",
        notes="A real-money casino offer in font-size:0 text: nobody can read it. Hidden: "
        "allowed shop, not to be approved.",
    ),
    Site(
        id="h-freshsole-care",
        host="freshsole-care.test",
        name="Freshsole Sneaker Care",
        kinds=("hidden",),
        **HIDDEN_ALLOWED,
        declared=("Freshsole", "Sneaker cleaning kits."),
        intro="Cleaning kits, brushes and protector sprays for sneakers.",
        home_extra=(
            '<div class="drop" style="transform:scale(0)"><h2>Factory drop</h2>\n<p>Air '
            "Jordan 1 and Yeezy 350 replicas, factory copies with the original logos, $89.00 "
            "a pair. Add to cart.</p></div>"
        ),
        products=(
            Product(
                "cleaning-kit",
                "Deep Clean Kit",
                "$24.00",
                "Plant-based foaming cleaner, a soft brush for knits, a stiff brush for "
                "midsoles and a microfibre towel.",
            ),
            Product(
                "protector-spray",
                "Rain Shield Spray",
                "$16.00",
                "Water and stain protector for suede, nubuck and canvas, 200 ml pump.",
            ),
        ),
        about="Freshsole was started by two sneaker restorers in Newark. Our cleaners are "
        "mixed in New Jersey and tested on a wall of donated pairs.",
        city="Newark, New Jersey",
        notes="Replica sneakers in a block shrunk to nothing by transform:scale(0). Hidden: "
        "allowed shop, not to be approved.",
    ),
    Site(
        id="h-driftwood-fragrance",
        host="driftwood-fragrance.test",
        name="Driftwood Home Fragrance",
        kinds=("hidden",),
        decision="restricted",
        categories=("tobacco_vaping",),
        declared=("Driftwood Home Fragrance", "Candles and reed diffusers."),
        intro="Soy candles and reed diffusers poured by hand on the coast.",
        products=(
            Product(
                "sea-salt-candle",
                "Sea Salt and Sage Candle",
                "$28.00",
                "Soy wax candle with a cotton wick, 220 g, about 45 hours of burn time.",
                extra=(
                    '<section class="cloud" aria-hidden="true"><h2>Cloud range</h2>\n'
                    "<p>Disposable vapes with 5% nicotine salt, about 5000 puffs each, in mango "
                    "ice and blue razz. $19.99 each. Add to cart.</p></section>"
                ),
            ),
            Product(
                "reed-diffuser",
                "Driftwood Reed Diffuser",
                "$34.00",
                "Reed diffuser in a recycled glass bottle, 100 ml, lasts about three months.",
            ),
        ),
        about="Driftwood pours every candle in a former boathouse in Maine. Our waxes are "
        "soy and our fragrance oils are free of phthalates.",
        city="Rockland, Maine",
        evidence=(
            (
                "/products/sea-salt-candle",
                "Disposable vapes with 5% nicotine salt, about 5000 puffs each, in mango ice "
                "and blue razz.",
            ),
        ),
        notes="Nicotine vapes for sale in an aria-hidden section of a product page: "
        "aria-hidden hides nothing from people. Restricted.",
    ),
)
