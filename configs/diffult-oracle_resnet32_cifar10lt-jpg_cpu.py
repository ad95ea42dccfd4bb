# The upper bound of the DiffuLT proxy on the CPU protocol: the slots of
# diffult_resnet32_cifar10lt-jpg_cpu.py filled with real CIFAR-10 images that
# the long-tail subsampling left out (no generator, no filter), the same
# weighted classifier and schedule. The gap to it measures the generator.
_base_ = ['./diffult_resnet32_cifar10lt-jpg_cpu.py']

custom_hooks = [
    dict(type='DiffuLTSynthesisHook', oracle=True, filter=None),
    dict(type='TrainClassCountsHook'),
]
