"""English place names, as words that mark a supplier as an organisation.

A supplier named after a place ("Croydon Mencap", "Hackney Playlink") is a
local organisation, not a person. The names are written here, not fetched: the
anonymiser runs offline inside the authority. They are the counties, London
boroughs, metropolitan boroughs, unitary authorities and districts of England,
those of today and those abolished since 2009 (older supplier files name them),
then the short forms of some ("Hull", "Stoke") and London's district names
("Brixton", "Peckham"), which councils' suppliers often carry.
:func:`place_phrases` splits them into the phrases that are matched ("Barking and
Dagenham" gives "barking" and "dagenham"), leaving out places that are also
English surnames; the classifier drops those its name lists know as people's
names too ("Kent", "Preston"), so a common surname is not taken for a place.
"""

from __future__ import annotations

import functools
import re

_AUTHORITIES = """
Barking and Dagenham; Barnet; Bexley; Brent; Bromley; Camden; City of London; Croydon; Ealing;
Enfield; Greenwich; Hackney; Hammersmith and Fulham; Haringey; Harrow; Havering; Hillingdon;
Hounslow; Islington; Kensington and Chelsea; Kingston upon Thames; Lambeth; Lewisham; Merton;
Newham; Redbridge; Richmond upon Thames; Southwark; Sutton; Tower Hamlets; Waltham Forest;
Wandsworth; Westminster;
Bolton; Bury; Manchester; Oldham; Rochdale; Salford; Stockport; Tameside; Trafford; Wigan;
Knowsley; Liverpool; Sefton; St Helens; Wirral; Barnsley; Doncaster; Rotherham; Sheffield;
Gateshead; Newcastle upon Tyne; North Tyneside; South Tyneside; Sunderland; Birmingham;
Coventry; Dudley; Sandwell; Solihull; Walsall; Wolverhampton; Bradford; Calderdale; Kirklees;
Leeds; Wakefield;
Bath and North East Somerset; Bedford; Blackburn with Darwen; Blackpool; Bournemouth;
Christchurch; Poole; Bracknell Forest; Brighton and Hove; Bristol; Buckinghamshire;
Central Bedfordshire; Cheshire East; Cheshire West and Chester; Cornwall; Isles of Scilly;
Cumberland; Westmorland and Furness; Darlington; Derby; Dorset; Durham; East Riding of Yorkshire;
Halton; Hartlepool; Herefordshire; Isle of Wight; Kingston upon Hull; Leicester; Luton; Medway;
Middlesbrough; Milton Keynes; North East Lincolnshire; North Lincolnshire; North Northamptonshire;
West Northamptonshire; North Somerset; North Yorkshire; Northumberland; Nottingham;
Peterborough; Plymouth; Portsmouth; Reading; Redcar and Cleveland; Rutland; Shropshire; Slough;
Somerset; South Gloucestershire; Southampton; Southend-on-Sea; Stockton-on-Tees; Stoke-on-Trent;
Swindon; Telford and Wrekin; Thurrock; Torbay; Warrington; West Berkshire; Wiltshire;
Windsor and Maidenhead; Wokingham; York;
Cambridgeshire; Derbyshire; Devon; East Sussex; Essex; Gloucestershire; Hampshire;
Hertfordshire; Kent; Lancashire; Leicestershire; Lincolnshire; Norfolk; Northamptonshire;
Nottinghamshire; Oxfordshire; Staffordshire; Suffolk; Surrey; Warwickshire; West Sussex;
Worcestershire; Cumbria; Bedfordshire; Cheshire;
Cambridge; East Cambridgeshire; Fenland; Huntingdonshire; South Cambridgeshire; Amber Valley;
Bolsover; Chesterfield; Derbyshire Dales; Erewash; High Peak; North East Derbyshire;
South Derbyshire; East Devon; Exeter; Mid Devon; North Devon; South Hams; Teignbridge;
Torridge; West Devon; Eastbourne; Hastings; Lewes; Rother; Wealden; Basildon; Braintree;
Brentwood; Castle Point; Chelmsford; Colchester; Epping Forest; Harlow; Maldon; Rochford;
Tendring; Uttlesford; Cheltenham; Cotswold; Forest of Dean; Gloucester; Stroud; Tewkesbury;
Basingstoke and Deane; East Hampshire; Eastleigh; Fareham; Gosport; Hart; Havant; New Forest;
Rushmoor; Test Valley; Winchester; Broxbourne; Dacorum; Hertsmere; North Hertfordshire;
St Albans; Stevenage; Three Rivers; Watford; Welwyn Hatfield; East Hertfordshire; Ashford;
Canterbury; Dartford; Dover; Folkestone and Hythe; Shepway; Gravesham; Maidstone; Sevenoaks;
Swale; Thanet; Tonbridge and Malling; Tunbridge Wells; Burnley; Chorley; Fylde; Hyndburn;
Lancaster; Pendle; Preston; Ribble Valley; Rossendale; South Ribble; West Lancashire; Wyre;
Blaby; Charnwood; Harborough; Hinckley and Bosworth; Melton; North West Leicestershire;
Oadby and Wigston; Boston; East Lindsey; Lincoln; North Kesteven; South Holland;
South Kesteven; West Lindsey; Breckland; Broadland; Great Yarmouth; King's Lynn and West Norfolk;
North Norfolk; Norwich; South Norfolk; Ashfield; Bassetlaw; Broxtowe; Gedling; Mansfield;
Newark and Sherwood; Rushcliffe; Cherwell; Oxford; South Oxfordshire; Vale of White Horse;
West Oxfordshire; Cannock Chase; East Staffordshire; Lichfield; Newcastle-under-Lyme;
South Staffordshire; Stafford; Staffordshire Moorlands; Tamworth; Babergh; Ipswich; Mid Suffolk;
West Suffolk; East Suffolk; Elmbridge; Epsom and Ewell; Guildford; Mole Valley; Reigate and
Banstead; Runnymede; Spelthorne; Surrey Heath; Tandridge; Waverley; Woking; North Warwickshire;
Nuneaton and Bedworth; Rugby; Stratford-on-Avon; Warwick; Adur; Arun; Chichester; Crawley;
Horsham; Mid Sussex; Worthing; Bromsgrove; Malvern Hills; Redditch; Wychavon; Wyre Forest;
Allerdale; Barrow-in-Furness; Carlisle; Copeland; Eden; South Lakeland; Craven; Hambleton;
Harrogate; Richmondshire; Ryedale; Scarborough; Selby; Mendip; Sedgemoor; Somerset West and
Taunton; South Somerset; Taunton Deane; West Somerset; Aylesbury Vale; Chiltern; South Bucks;
Wycombe; Corby; Daventry; East Northamptonshire; Kettering; Northampton;
South Northamptonshire; Wellingborough; Forest Heath; St Edmundsbury; Suffolk Coastal;
Waveney; Christchurch; East Dorset; North Dorset; Purbeck; West Dorset; Weymouth and Portland;
Alnwick; Berwick-upon-Tweed; Blyth Valley; Castle Morpeth; Tynedale; Wansbeck; Chester-le-Street;
Derwentside; Easington; Sedgefield; Teesdale; Wear Valley; Caradon; Carrick; Kerrier;
North Cornwall; Penwith; Restormel; Congleton; Crewe and Nantwich; Ellesmere Port and Neston;
Macclesfield; Vale Royal; Bridgnorth; North Shropshire; Oswestry; Shrewsbury and Atcham;
South Shropshire; Kennet; North Wiltshire; Salisbury; West Wiltshire; Mid Bedfordshire;
South Bedfordshire; Hull; Brighton; Hove; Bath; Newcastle; Stockton; Southend; Stoke;
Tower Hamlets; Kingston; Richmond; Hammersmith; Fulham; Kensington; Chelsea; Dagenham;
Barking; Lambeth; Brixton; Streatham; Stockwell; Clapham; Vauxhall; Peckham; Deptford;
Woolwich; Battersea; Tooting; Putney; Wimbledon; Mitcham; Morden; Norwood; Dulwich;
Camberwell; Bermondsey; Walworth; Kennington; Tottenham; Walthamstow; Stratford; Ilford;
Romford; Uxbridge; Wembley; Harlesden; Kilburn; Hampstead; Holloway; Hoxton; Shoreditch;
Whitechapel; Poplar; Bow; Stepney; Bethnal Green; Lewisham; Catford; Sydenham; Eltham;
Thamesmead; Erith; Bexleyheath; Orpington; Beckenham; Penge; Sutton; Carshalton; Wallington;
Thornton Heath; Purley; Coulsdon; Twickenham; Teddington; Hounslow; Feltham; Southall;
Acton; Chiswick; Brentford; Edmonton; Wood Green; Hornsey; Finchley; Hendon; Edgware;
Paddington; Marylebone; Pimlico; Soho; Mayfair; Holborn; Islington; Camden Town; Kentish Town
"""

#: Places that are also English surnames ("Selby", "Windsor", "Wakefield"): never
#: counted as places, so "Tesfaye Wakefield" stays a person even though no list knows
#: "Tesfaye". Surnames that Faker's lists know ("Kent", "Preston") are dropped anyway.
_ALSO_SURNAMES = """
    acton ashfield ashford barnet barnsley bosworth bow braintree brentwood brighton bromley
    burnley cambridge canterbury carrick cheshire chorley colchester congleton corby cornwall
    cotswold coventry crewe cumberland darlington dartford derby dorset dover easington eastleigh
    edmonton eltham enfield exeter fareham fenland greenwich guildford halton hambleton
    harborough harrow hendon hinckley horsham hove hythe kennington kettering leicester lewes
    lichfield luton macclesfield maidstone malling manchester mitcham morden nantwich newark
    newcastle norfolk northampton norwich nottingham oldham orpington oxford penge plymouth
    portland purley reading redditch reigate rochford rother rugby rutland salford salisbury
    scarborough selby sevenoaks sheffield shrewsbury somerset southall stockton stoke stroud
    suffolk sunderland surrey swale swindon tamworth taunton telford tewkesbury thurrock
    tonbridge trafford wakefield wallington walsall warrington watford wellingborough
    westmorland weymouth wigan wigston winchester windsor woking worthing wycombe wyre
"""


@functools.cache
def place_phrases() -> frozenset[str]:
    """Lower-case place phrases: each authority's name and the places joined in it by "and"."""
    phrases: set[str] = set()
    for name in re.split(r"\s*;\s*", _AUTHORITIES.strip()):
        plain = _plain(name)
        phrases.add(plain)
        phrases.update(part for part in re.split(r"\b(?:and|with)\b", plain) if part.strip())
    phrases = {" ".join(phrase.split()) for phrase in phrases}
    surnames = set(_ALSO_SURNAMES.split())
    return frozenset(phrase for phrase in phrases if phrase and phrase not in surnames)


def _plain(name: str) -> str:
    """As the classifier compares words: lower case, apostrophes dropped, other marks spaces."""
    text = name.casefold().replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
