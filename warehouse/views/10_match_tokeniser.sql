-- version: 1
-- Tokenisation of method 'match-v1', shared by the build and by on-the-fly pair matching so the two
-- cannot drift. Changing it means a new version of this file and a new method version.
CREATE OR REPLACE MACRO match_stopwords() AS [
    'able', 'about', 'above', 'across', 'after', 'again', 'against', 'all', 'allow', 'allows', 'also',
    'and', 'any', 'are', 'based', 'because', 'been', 'before', 'being', 'below', 'between', 'both', 'but',
    'can', 'cannot', 'could', 'did', 'does', 'doing', 'done', 'during', 'each', 'easily', 'easy', 'etc',
    'every', 'feature', 'features', 'few', 'for', 'from', 'get', 'gets', 'had', 'has', 'have', 'having',
    'her', 'here', 'hers', 'him', 'his', 'how', 'include', 'includes', 'including', 'into', 'its', 'just',
    'let', 'lets', 'like', 'made', 'make', 'makes', 'many', 'may', 'might', 'more', 'most', 'much', 'must',
    'new', 'nor', 'not', 'now', 'off', 'one', 'only', 'onto', 'other', 'others', 'our', 'ours', 'out',
    'over', 'own', 'per', 'provide', 'provided', 'provides', 'providing', 'same', 'shall', 'she',
    'should', 'simple', 'some', 'stated', 'such', 'support', 'supported', 'supporting', 'supports',
    'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'through',
    'too', 'tool', 'tools', 'two', 'under', 'until', 'upon', 'usage', 'use', 'used', 'uses', 'using',
    'various', 'very', 'via', 'was', 'way', 'ways', 'well', 'were', 'what', 'when', 'where', 'which',
    'while', 'who', 'whom', 'whose', 'why', 'will', 'with', 'within', 'without', 'work', 'works',
    'would', 'yet', 'you', 'your', 'yours'
];

-- What a capability says about itself: vs_alternatives is left out because it names other tools.
CREATE OR REPLACE MACRO match_capability_text(title, description, unique_text) AS concat_ws(
    ' ',
    CASE WHEN lower(trim(title)) = 'not stated' THEN '' ELSE title END,
    CASE WHEN lower(trim(description)) = 'not stated' THEN '' ELSE description END,
    CASE WHEN lower(trim(unique_text)) = 'not stated' THEN '' ELSE unique_text END);

-- Lower-case words of 3+ letters or digits, stopwords dropped before and after folding a plural 's'.
CREATE OR REPLACE MACRO match_tokens(text) AS list_filter(
    list_transform(
        list_filter(
            regexp_split_to_array(lower(text), '[^a-z0-9]+'),
            lambda token: length(token) >= 3 AND NOT list_contains(match_stopwords(), token)),
        lambda token: CASE
            WHEN length(token) > 4 AND suffix(token, 's') AND NOT suffix(token, 'ss') THEN token[:-2]
            ELSE token END),
    lambda term: NOT list_contains(match_stopwords(), term));
