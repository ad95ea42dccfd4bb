# CPU protocol v2, oracle: the DiffuLT arm's proxy with its slots filled by
# real CIFAR-10 images that the long-tail subsampling left out (no generator,
# no filter). The gap from DiffuLT to it measures the generator.
_base_ = ['./diffult_resnet32_cifar10lt-jpg.py']

custom_hooks = [
    dict(type='DiffuLTSynthesisHook', source='oracle', filter=None),
    dict(type='TrainClassCountsHook'),
]
