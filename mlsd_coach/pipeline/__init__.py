"""The reference three-stage recommender: a runnable companion to the `feed-ranking` blueprint.

Read it next to the diagram (`mlsd cases show feed-ranking`), one module per component:

| module | blueprint component | framework step | stands in for |
|---|---|---|---|
| `data`, `synthetic`, `impressions`, `movielens` | impression-log | data | Kafka, Flink, Hive |
| `features` | feature-store | data | Feast, Redis |
| `training_data` | training-data-job | data | Spark |
| `two_tower` | model-training | model | TensorFlow / PyTorch on GPUs |
| `ann` | ann-index, index-build | serving | ScaNN, FAISS IVF-PQ, HNSW |
| `retrieval` | candidate-generation | model | retrieval services |
| `ranking` | pre-ranker, ranking | model | a distilled pre-ranker; MMoE on Triton |
| `rerank` | re-ranking | model | rules engine, Bloom filters |
| `serve` | feed-service | serving | gRPC services |
| `evaluate`, `metrics` | offline-eval | evaluation | Spark, MLflow |
| `monitoring` | monitoring | monitoring | Prometheus, Evidently |
| `train`, `phases`, `run`, `run_report`, `bench` | the offline track; `mlsd pipeline run`, its report, and `bench` | all | Airflow |

Importing this package is cheap; NumPy, FAISS and LightGBM load with the modules that use them.
"""

import os

# OpenMP threads that wait for work by spinning take the core another process needs, and on a
# shared machine LightGBM's two training threads then ran 3x slower than one (22 s vs 7 s for 60
# trees); waiting passively costs nothing measurable when the machine is idle. Read by the
# OpenMP runtimes of FAISS and LightGBM when they load, so set before either is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
