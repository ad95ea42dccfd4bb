"""The pipeline of a dataset, looked up through the wrappers around it."""


def find_pipeline(dataset):
    """The pipeline of ``dataset`` or of the dataset it wraps (through
    ``.dataset``, as LongTailDataset and mmengine's wrappers keep it); None
    when no dataset on the way has one."""
    while dataset is not None:
        if getattr(dataset, 'pipeline', None) is not None:
            return dataset.pipeline
        dataset = getattr(dataset, 'dataset', None)
    return None
