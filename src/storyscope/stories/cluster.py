"""Group a stream of articles into stories (the public names of ``storyscope.stories``).

The grouping lives in five modules, one job each:

* ``features``: what clustering reads from one article (``featurize``, ``article_item``);
* ``event``: event identity keys and the "same event" pair model;
* ``online``: online assignment (``OnlineClusterer``, ``Params``), what the product uses;
* ``batch``: order-free re-clustering on demand (``cluster_batch``, ``BatchParams``);
* ``index``: the inverted-file index over story centroids;
* ``state``: the clusterer's persisted state (rows of the store, written incrementally).
"""
from storyscope.stories.batch import BatchParams, cluster_batch
from storyscope.stories.features import Features, article_item, featurize, lead, mentioned_days, names
from storyscope.stories.online import OnlineClusterer, Params
from storyscope.stories.state import STATE_VERSION

__all__ = ["BatchParams", "Features", "OnlineClusterer", "Params", "STATE_VERSION", "article_item",
           "cluster_batch", "featurize", "lead", "mentioned_days", "names"]
