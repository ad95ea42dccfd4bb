# CPU protocol v2, oversampling control: the DiffuLT arm's proxy (same
# slots, omega, size and iterations) with its slots filled by copies of the
# class's own real training images instead of generated ones. DiffuLT minus
# this arm is what the generated images add beyond more steps and the
# reweighting the slots imply.
_base_ = ['./diffult_resnet32_cifar10lt-jpg.py']

custom_hooks = [
    dict(type='DiffuLTSynthesisHook', source='real-copies', filter=None),
    dict(type='TrainClassCountsHook'),
]
